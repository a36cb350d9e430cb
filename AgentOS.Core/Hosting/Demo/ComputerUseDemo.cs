using System.Text.Json;
using AgentOS.Access;
using AgentOS.Computer;
using AgentOS.Computer.Browser;
using AgentOS.Computer.Code;
using AgentOS.Computer.Documents;
using AgentOS.Computer.Sessions;
using AgentOS.Kernel;
using AgentOS.Sdk;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Hosting.Demo;

/// <summary>
/// <c>demo --computer-use</c>: one agent, one session, four tools. A deterministic scripted plan (the next step is
/// decided from the previous results, as a model would, but by fixed rules) writes and runs a script that makes a CSV,
/// reads a PDF and summarises it into Markdown, fills a form on a local page in the browser and screenshots the
/// result. Every step is a tool syscall through the kernel (scheduled, granted, audited); each is printed, and the
/// files are copied out of the session before it is destroyed.
/// </summary>
internal static class ComputerUseDemo
{
    private const string Script = "import csv\nrows = [('month', 'orders', 'revenue')]\nfor i, month in enumerate(['Jan', 'Feb', 'Mar', 'Apr']):\n    orders = 10 + 5 * i\n    rows.append((month, orders, orders * 12))\nwith open('sales.csv', 'w', newline='') as f:\n    csv.writer(f).writerows(rows)\nprint(f'wrote {len(rows) - 1} rows')\n";

    private static readonly string[] PdfLines =
    [
        "Quarterly operations report",
        "Orders grew every month of the quarter.",
        "Revenue reached 300 in April.",
        "The team recommends printing the report in A4.",
    ];

    public static async Task<int> RunAsync(string outputFolder, TextWriter stdout, TextWriter stderr)
    {
        var data = Directory.CreateTempSubdirectory("agentos-demo-computer-");
        await using var site = new DemoFormServer();
        var isolated = OperatingSystem.IsLinux() && File.Exists("/usr/bin/bwrap") && Environment.IsPrivilegedProcess;
        if (!isolated)
        {
            stderr.WriteLine("agentos demo --computer-use: bubblewrap as root is unavailable, so the session runs UNISOLATED as this user.");
        }
        var kernel = AgentKernel.Start(new KernelOptions
        {
            DataDirectory = data.FullName,
            Computer = new ComputerOptions { MaxSessions = 1, UnisolatedWithKernelPrivileges = !isolated },
            Access = AccessPolicy.CreateBuilder()
                .AddGroup("demo", g => g.AllowTools([.. SessionManager.ToolNames, .. DocumentTools.Names, CodeTools.RunName, .. BrowserTools.Names])
                    .LimitSessions(1).AllowNetwork($"127.0.0.1:{site.Port}"))
                .Build(),
        });
        kernel.RegisterIdentity("analyst", ["demo"]);
        var agent = new AgentContext("analyst", kernel.Port);
        int step = 0;
        async Task<ToolResult> Do(string what, string tool, string arguments)
        {
            step++;
            var result = await agent.Action.CallAsync(tool, arguments).ConfigureAwait(false);
            stdout.WriteLine($"step {step}: {what} [{tool}]");
            var shown = result.Output.Length > 300 ? result.Output[..300] + " ..." : result.Output;
            stdout.WriteLine("  " + shown.Replace("\n", "\n  ", StringComparison.Ordinal));
            if (result.IsError)
            {
                throw new InvalidOperationException($"step {step} ({tool}) failed: {result.Output}");
            }
            return result;
        }
        try
        {
            stdout.WriteLine($"AgentOS {AgentOSInfo.Version} computer-use demo: agent 'analyst', one {(isolated ? "bubblewrap" : "UNISOLATED")} session, terminal + code + document + browser tools, a scripted plan.");
            var created = await Do("create a session", "session.create", "{}").ConfigureAwait(false);
            var id = created.Structured!.Value.GetProperty("session_id").GetString()!;
            string S(string more = "") => more.Length == 0 ? $"{{\"session_id\":{Json(id)}}}" : $"{{\"session_id\":{Json(id)},{more}}}";

            await Do("write a script that makes a CSV", "document.write", S($"\"path\":\"make_csv.py\",\"content\":{Json(Script)}")).ConfigureAwait(false);
            await Do("run it", "terminal.run", S("\"command\":\"python3 make_csv.py && cat sales.csv\"")).ConfigureAwait(false);
            var total = await Do("total the revenue with code", CodeTools.RunName, S("\"language\":\"python\",\"code\":\"import csv\\nsum(int(r['revenue']) for r in csv.DictReader(open('sales.csv')))\"")).ConfigureAwait(false);

            await Do("receive a PDF report", "document.write", S($"\"path\":\"report.pdf\",\"encoding\":\"base64\",\"content\":\"{Convert.ToBase64String(DemoPdf.Build(PdfLines))}\"")).ConfigureAwait(false);
            var extracted = await Do("read the PDF", "document.extract", S("\"path\":\"report.pdf\"")).ConfigureAwait(false);
            var lines = extracted.Structured!.Value.GetProperty("text").GetString()!.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var summary = $"# {lines[0]}\n\n" + string.Concat(lines.Skip(1).Select(l => $"- {l}\n")) + $"\nRevenue in sales.csv: {total.Structured!.Value.GetProperty("value").GetString()}.\n";
            await Do("summarise it into Markdown", "document.write", S($"\"path\":\"summary.md\",\"content\":{Json(summary)}")).ConfigureAwait(false);

            await Do("open the request form", "browser.navigate", S($"\"url\":{Json(site.Url)}")).ConfigureAwait(false);
            var snapshot = await Do("find the form's fields", "browser.snapshot", S()).ConfigureAwait(false);
            string Ref(string name) => snapshot.Structured!.Value.GetProperty("elements").EnumerateArray()
                .First(e => e.TryGetProperty("name", out var n) && n.GetString() == name || e.GetProperty("label").GetString() == name).GetProperty("ref").GetString()!;
            await Do("type the name", "browser.type", S($"\"ref\":\"{Ref("name")}\",\"text\":\"Analyst Agent\"")).ConfigureAwait(false);
            var format = lines.Any(l => l.Contains("A4", StringComparison.Ordinal)) ? "A4" : "Letter";
            await Do($"choose the format the report recommends ({format})", "browser.select", S($"\"ref\":\"{Ref("format")}\",\"value\":\"{format}\"")).ConfigureAwait(false);
            await Do("type the summary's first point", "browser.type", S($"\"ref\":\"{Ref("summary")}\",\"text\":{Json(lines[1])}")).ConfigureAwait(false);
            await Do("send the form", "browser.click", S($"\"ref\":\"{Ref("Send request")}\"")).ConfigureAwait(false);
            await Do("screenshot the result", "browser.screenshot", S("\"path\":\"result.png\"")).ConfigureAwait(false);

            Directory.CreateDirectory(outputFolder);
            var workspace = FindWorkspace(kernel, id);
            foreach (var file in (string[])["make_csv.py", "sales.csv", "report.pdf", "summary.md", "result.png"])
            {
                File.Copy(Path.Combine(workspace, file), Path.Combine(outputFolder, file), overwrite: true);
            }
            await Do("destroy the session", "session.destroy", S()).ConfigureAwait(false);
            if (site.Submissions.TryPeek(out var received))
            {
                stdout.WriteLine("the page's server received: " + string.Join(", ", received.Select(kv => $"{kv.Key}={kv.Value}")));
            }
            stdout.WriteLine($"files (copied out of the session's workspace): {Path.GetFullPath(outputFolder)}");
            foreach (var file in Directory.GetFiles(outputFolder).Order(StringComparer.Ordinal))
            {
                stdout.WriteLine($"  {Path.GetFileName(file)} ({new FileInfo(file).Length} bytes)");
            }
            return 0;
        }
        catch (InvalidOperationException e)
        {
            stderr.WriteLine("agentos demo --computer-use: " + e.Message);
            return 1;
        }
        finally
        {
            await kernel.StopAsync().ConfigureAwait(false);
            data.Delete(recursive: true);
        }
    }

    private static string FindWorkspace(AgentKernel kernel, string sessionId) =>
        kernel.Sessions!.Resolver(new Tools.ToolCallContext("analyst", 0), sessionId).WorkspaceHostPath;

    private static string Json(string value) => JsonSerializer.Serialize(value, Serialization.AgentOSJsonContext.Default.String);
}
