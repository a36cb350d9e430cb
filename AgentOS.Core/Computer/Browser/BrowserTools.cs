using System.Buffers;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using AgentOS.Computer.Browser.Cdp;
using AgentOS.Computer.Documents;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;
using AgentOS.Tools;

namespace AgentOS.Computer.Browser;

/// <summary>
/// The <c>browser.*</c> tools: a headless Chromium per session, inside the session's sandbox and network policy,
/// driven over the DevTools protocol (<see cref="CdpConnection"/>). Navigate and read pages, list their interactive
/// elements with stable references, click, type, press keys, choose options, scroll, move through history, manage
/// tabs, and take PNG screenshots returned as images. Only http(s) pages (and about:blank) are opened; the session's
/// proxy decides which hosts. A refusal is an error result with a stable code. Schemas: docs/computer-tools.md.
/// </summary>
public static partial class BrowserTools
{
    /// <summary>The tools' names.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "browser.navigate", "browser.text", "browser.snapshot", "browser.click", "browser.type", "browser.press", "browser.select",
        "browser.scroll", "browser.back", "browser.forward", "browser.tabs", "browser.screenshot",
    ];

    /// <summary>Registers the browser tools.</summary>
    /// <param name="registry">Where to register them.</param>
    /// <param name="sessions">Finds the caller's session named by a call's <c>session_id</c>.</param>
    /// <param name="time">The clock waits run on.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <returns>The sessions' browsers: call <see cref="BrowserPool.CloseSessionAsync"/> when a session is destroyed,
    /// and dispose it when the kernel stops.</returns>
    public static BrowserPool Register(ToolRegistry registry, SessionResolver sessions, TimeProvider? time = null, BrowserToolOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(sessions);
        var settings = options ?? new BrowserToolOptions();
        var pool = new BrowserPool(settings, time ?? TimeProvider.System);
        var run = OperatingSystem.IsLinux() ? Bodies(settings) : null;
        Add(registry, sessions, pool, "browser.navigate", "Opens an http(s) page in the session's browser (current tab) and waits for it to load. Only hosts the agent's network grant allows are reachable; file:// and browser-internal pages are refused.",
            NavigateSchema, Output(), idempotent: false, run?["browser.navigate"]);
        Add(registry, sessions, pool, "browser.text", "Returns the current page's readable text (what a person sees, without markup); with wait_for_text, first waits (up to wait_ms) for text a script adds after the page loaded.",
            TextSchema, Output("\"text\":{\"type\":\"string\"},\"chars\":{\"type\":\"integer\"},\"truncated\":{\"type\":\"boolean\"}"), idempotent: true, run?["browser.text"]);
        Add(registry, sessions, pool, "browser.snapshot", "Lists the current page's interactive elements (links, buttons, fields, selects) with references like e12 that stay valid while the page lives; use them with click, type, select, press and scroll.",
            SessionOnly, Output("\"elements\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},\"truncated\":{\"type\":\"boolean\"}"), idempotent: true, run?["browser.snapshot"]);
        Add(registry, sessions, pool, "browser.click", "Clicks an element (a reference from browser.snapshot) with the mouse; waits for the page it opens, if any.",
            ClickSchema, Output(), idempotent: false, run?["browser.click"]);
        Add(registry, sessions, pool, "browser.type", "Types text into a field (a reference from browser.snapshot), replacing its value unless clear is false; presses Enter afterwards when submit is true.",
            TypeSchema, Output(), idempotent: false, run?["browser.type"]);
        Add(registry, sessions, pool, "browser.press", "Presses a key (Enter, Tab, Escape, an arrow, a character), on an element when ref is given; waits for the page it opens, if any.",
            PressSchema, Output(), idempotent: false, run?["browser.press"]);
        Add(registry, sessions, pool, "browser.select", "Chooses an option of a <select> element by its value or visible label.",
            SelectSchema, Output("\"value\":{\"type\":\"string\"},\"label\":{\"type\":\"string\"}"), idempotent: false, run?["browser.select"]);
        Add(registry, sessions, pool, "browser.scroll", "Scrolls an element into view (ref), or the page by amount pixels in a direction; returns the scroll position and the page's size.",
            ScrollSchema, Output("\"position\":{\"type\":\"object\"}"), idempotent: false, run?["browser.scroll"]);
        Add(registry, sessions, pool, "browser.back", "Goes back one page in the current tab's history.",
            SessionOnly, Output(), idempotent: false, run?["browser.back"]);
        Add(registry, sessions, pool, "browser.forward", "Goes forward one page in the current tab's history.",
            SessionOnly, Output(), idempotent: false, run?["browser.forward"]);
        Add(registry, sessions, pool, "browser.tabs", "Manages tabs: list them, open one (optionally at url; it becomes current), switch to one, or close one (by tab_id from the list).",
            TabsSchema, Output("\"tabs\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"tab_id\":{\"type\":\"string\"},\"url\":{\"type\":\"string\"},\"title\":{\"type\":\"string\"},\"current\":{\"type\":\"boolean\"}}}}"), idempotent: false, run?["browser.tabs"]);
        Add(registry, sessions, pool, "browser.screenshot", "Takes a PNG screenshot of the current tab (the viewport, or the whole page with full_page), returned as an image; saved in the workspace too when path is given.",
            ScreenshotSchema, Output("\"bytes\":{\"type\":\"integer\"},\"path\":{\"type\":\"string\"}"), idempotent: false, run?["browser.screenshot"]);
        return pool;
    }

    private delegate Task<ToolOutput> Body(ISessionHost host, SessionBrowser browser, JsonElement arguments, CancellationToken cancellationToken);

    [SupportedOSPlatform("linux")]
    private static Dictionary<string, Body> Bodies(BrowserToolOptions settings) => new()
    {
        ["browser.navigate"] = (_, b, a, ct) => Page(b.NavigateAsync(ToolArguments.String(a, "url"), ct)),
        ["browser.text"] = (_, b, a, ct) => Text(b, a, settings, ct),
        ["browser.snapshot"] = (_, b, a, ct) => Snapshot(b, a, ct),
        ["browser.click"] = (_, b, a, ct) => Page(b.ClickAsync(ToolArguments.String(a, "ref"), ct)),
        ["browser.type"] = (_, b, a, ct) => Page(b.TypeAsync(ToolArguments.String(a, "ref"), ToolArguments.String(a, "text"), ToolArguments.Boolean(a, "clear", true), ToolArguments.Boolean(a, "submit", false), ct)),
        ["browser.press"] = (_, b, a, ct) => Page(b.PressAsync(ToolArguments.String(a, "key"), ToolArguments.OptionalString(a, "ref"), ct)),
        ["browser.select"] = (_, b, a, ct) => Select(b, a, ct),
        ["browser.scroll"] = (_, b, a, ct) => Scroll(b, a, settings, ct),
        ["browser.back"] = (_, b, _, ct) => Page(b.HistoryAsync(-1, ct)),
        ["browser.forward"] = (_, b, _, ct) => Page(b.HistoryAsync(+1, ct)),
        ["browser.tabs"] = (_, b, a, ct) => Tabs(b, a, ct),
        ["browser.screenshot"] = Screenshot,
    };

    private static void Add(ToolRegistry registry, SessionResolver sessions, BrowserPool pool, string name, string description, string schema, string outputSchema, bool idempotent, Body? body)
    {
        using var parameters = JsonDocument.Parse(schema);
        using var output = JsonDocument.Parse(outputSchema);
        registry.Register(new ToolDefinition
        {
            Name = name,
            Description = description,
            ParametersSchema = parameters.RootElement.Clone(),
            OutputSchema = output.RootElement.Clone(),
            Idempotent = idempotent,
            MaxConcurrency = 16,
            Run = async (context, arguments, cancellationToken) =>
            {
                var host = sessions(context, ToolArguments.String(arguments, "session_id"));
                if (body is null || !OperatingSystem.IsLinux())
                {
                    throw new CapabilityNotSupportedException("The browser tool drives Chromium over a pipe and runs on Linux only.");
                }
                try
                {
                    return await pool.UseAsync(host, b => body(host, b, arguments, cancellationToken), cancellationToken).ConfigureAwait(false);
                }
                catch (BrowserActionException e)
                {
                    return Error(e.Code, e.Message);
                }
                catch (ChromiumLaunchException e)
                {
                    return Error("browser_unavailable", e.Message);
                }
                catch (CdpTimeoutException e)
                {
                    return Error("timeout", e.Message);
                }
                catch (CdpDisconnectedException e)
                {
                    return Error("browser_closed", $"{e.Message} The next browser call starts a new browser (open pages are lost).");
                }
                catch (CdpProtocolException e)
                {
                    return Error("browser_error", e.Message);
                }
            },
        });
    }

    [SupportedOSPlatform("linux")]
    private static async Task<ToolOutput> Page(Task<SessionBrowser.PageState> action)
    {
        var state = await action.ConfigureAwait(false);
        return new ToolOutput(Describe(state)) { Structured = Json(w => WriteState(w, state)) };
    }

    [SupportedOSPlatform("linux")]
    private static async Task<ToolOutput> Text(SessionBrowser browser, JsonElement arguments, BrowserToolOptions settings, CancellationToken cancellationToken)
    {
        var waitMs = ToolArguments.Integer(arguments, "wait_ms", 1) ?? 10_000;
        if (waitMs > (long)settings.NavigationTimeout.TotalMilliseconds)
        {
            throw new InvalidRequestException($"wait_ms may be at most {settings.NavigationTimeout.TotalMilliseconds:0}.");
        }
        var (state, text) = await browser.TextAsync(ToolArguments.OptionalString(arguments, "wait_for_text"), (int)waitMs, cancellationToken).ConfigureAwait(false);
        var body = text.GetProperty("text").GetString() ?? "";
        var truncated = text.GetProperty("truncated").GetBoolean();
        return new ToolOutput($"{Describe(state)}\n\n{body}{(truncated ? "\n(text cut; scroll or read in parts)" : "")}")
        {
            Structured = Json(w =>
            {
                WriteState(w, state);
                w.WriteString("text", body);
                w.WriteNumber("chars", text.GetProperty("chars").GetInt32());
                w.WriteBoolean("truncated", truncated);
            }),
        };
    }

    [SupportedOSPlatform("linux")]
    private static async Task<ToolOutput> Snapshot(SessionBrowser browser, JsonElement arguments, CancellationToken cancellationToken)
    {
        var (state, snapshot) = await browser.SnapshotAsync(cancellationToken).ConfigureAwait(false);
        return new ToolOutput($"{Describe(state)}\n\n{SessionBrowser.Describe(snapshot)}")
        {
            Structured = Json(w =>
            {
                WriteState(w, state);
                w.WritePropertyName("elements");
                snapshot.GetProperty("elements").WriteTo(w);
                w.WriteBoolean("truncated", snapshot.GetProperty("truncated").GetBoolean());
            }),
        };
    }

    [SupportedOSPlatform("linux")]
    private static async Task<ToolOutput> Select(SessionBrowser browser, JsonElement arguments, CancellationToken cancellationToken)
    {
        var (state, value, label) = await browser.SelectAsync(ToolArguments.String(arguments, "ref"), ToolArguments.String(arguments, "value"), cancellationToken).ConfigureAwait(false);
        return new ToolOutput($"Chose '{label}' (value '{value}'). {Describe(state)}")
        {
            Structured = Json(w =>
            {
                WriteState(w, state);
                w.WriteString("value", value);
                w.WriteString("label", label);
            }),
        };
    }

    [SupportedOSPlatform("linux")]
    private static async Task<ToolOutput> Scroll(SessionBrowser browser, JsonElement arguments, BrowserToolOptions settings, CancellationToken cancellationToken)
    {
        var amount = (int)(ToolArguments.Integer(arguments, "amount", 1) ?? settings.ViewportHeight * 4 / 5);
        var (dx, dy) = (ToolArguments.OptionalString(arguments, "direction") ?? "down") switch
        {
            "down" => (0, amount),
            "up" => (0, -amount),
            "right" => (amount, 0),
            "left" => (-amount, 0),
            var other => throw new InvalidRequestException($"direction must be down, up, left or right, not '{other}'."),
        };
        var (state, position) = await browser.ScrollAsync(ToolArguments.OptionalString(arguments, "ref"), dx, dy, cancellationToken).ConfigureAwait(false);
        return new ToolOutput(string.Create(CultureInfo.InvariantCulture, $"Scrolled to x={position.GetProperty("x").GetInt32()}, y={position.GetProperty("y").GetInt32()} of a page {position.GetProperty("height").GetInt32()} px high. {Describe(state)}"))
        {
            Structured = Json(w =>
            {
                WriteState(w, state);
                w.WritePropertyName("position");
                position.WriteTo(w);
            }),
        };
    }

    [SupportedOSPlatform("linux")]
    private static async Task<ToolOutput> Tabs(SessionBrowser browser, JsonElement arguments, CancellationToken cancellationToken)
    {
        var action = ToolArguments.OptionalString(arguments, "action") ?? "list";
        string? done = null;
        switch (action)
        {
            case "list":
                break;
            case "open":
                var url = ToolArguments.OptionalString(arguments, "url");
                if (url is not null && UrlPolicy.Refusal(url) is { } refusal)
                {
                    throw new BrowserActionException("url_refused", refusal);
                }
                done = $"Opened tab {await browser.OpenTabAsync(cancellationToken).ConfigureAwait(false)}.";
                if (url is not null)
                {
                    done += " " + Describe(await browser.NavigateAsync(url, cancellationToken).ConfigureAwait(false));
                }
                break;
            case "switch":
                await browser.SwitchTabAsync(ToolArguments.String(arguments, "tab_id"), cancellationToken).ConfigureAwait(false);
                done = $"Switched to tab {ToolArguments.String(arguments, "tab_id")}.";
                break;
            case "close":
                await browser.CloseTabAsync(ToolArguments.String(arguments, "tab_id"), cancellationToken).ConfigureAwait(false);
                done = $"Closed tab {ToolArguments.String(arguments, "tab_id")}.";
                break;
            default:
                throw new InvalidRequestException($"action must be list, open, switch or close, not '{action}'.");
        }
        var tabs = await browser.ListTabsAsync(cancellationToken).ConfigureAwait(false);
        var list = string.Join('\n', tabs.Select(t => $"{(t.Current ? "*" : " ")} {t.TabId} {t.Url} \"{t.Title}\""));
        return new ToolOutput(done is null ? list : done + "\n" + list)
        {
            Structured = Json(w =>
            {
                w.WriteStartArray("tabs");
                foreach (var tab in tabs)
                {
                    w.WriteStartObject();
                    w.WriteString("tab_id", tab.TabId);
                    w.WriteString("url", tab.Url);
                    w.WriteString("title", tab.Title);
                    w.WriteBoolean("current", tab.Current);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }),
        };
    }

    [SupportedOSPlatform("linux")]
    private static async Task<ToolOutput> Screenshot(ISessionHost host, SessionBrowser browser, JsonElement arguments, CancellationToken cancellationToken)
    {
        var (state, png) = await browser.ScreenshotAsync(ToolArguments.Boolean(arguments, "full_page", false), cancellationToken).ConfigureAwait(false);
        var bytes = Convert.FromBase64String(png);
        string? saved = null;
        if (ToolArguments.OptionalString(arguments, "path") is { } path)
        {
            try
            {
                var (handle, resolved) = Workspace.Of(host).OpenWrite(path, append: false, createDirectories: true);
                using (handle)
                {
                    RandomAccess.Write(handle, bytes, 0);
                }
                saved = resolved;
            }
            catch (WorkspacePathException e)
            {
                return Error("bad_path", e.Message);
            }
        }
        return new ToolOutput($"Screenshot of {state.Url} ({bytes.Length} bytes PNG){(saved is null ? "" : $", saved at {saved}")}.")
        {
            Content = [new ToolContent { Type = "image", MimeType = "image/png", Data = png }],
            Structured = Json(w =>
            {
                WriteState(w, state);
                w.WriteNumber("bytes", bytes.Length);
                if (saved is not null)
                {
                    w.WriteString("path", saved);
                }
            }),
        };
    }

    [SupportedOSPlatform("linux")]
    private static string Describe(SessionBrowser.PageState state) =>
        string.Create(CultureInfo.InvariantCulture, $"Tab {state.TabId}: {state.Url}{(state.Title.Length > 0 ? $" \"{state.Title}\"" : "")}{(state.Status > 0 ? $" (HTTP {state.Status})" : "")}{(state.Navigated ? ", loaded" : "")}.");

    [SupportedOSPlatform("linux")]
    private static void WriteState(Utf8JsonWriter w, SessionBrowser.PageState state)
    {
        w.WriteString("tab_id", state.TabId);
        w.WriteString("url", state.Url);
        w.WriteString("title", state.Title);
        w.WriteNumber("status", state.Status);
        w.WriteBoolean("navigated", state.Navigated);
    }

    private static ToolOutput Error(string code, string message) => new(message)
    {
        IsError = true,
        Structured = Json(w =>
        {
            w.WriteStartObject("error");
            w.WriteString("code", code);
            w.WriteString("message", message);
            w.WriteEndObject();
        }),
    };

    private static JsonElement Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
