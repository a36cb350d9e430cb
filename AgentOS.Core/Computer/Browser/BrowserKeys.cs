using System.Text.Json.Nodes;

namespace AgentOS.Computer.Browser;

/// <summary>Key names <c>browser.press</c> accepts (the DOM's <c>KeyboardEvent.key</c> names) and the key events
/// that make Chromium act on them as on a real keyboard (Enter submits a form, Tab moves focus).</summary>
internal static class BrowserKeys
{
    private static readonly Dictionary<string, (string Code, int KeyCode, string? Text)> Named = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Enter"] = ("Enter", 13, "\r"),
        ["Tab"] = ("Tab", 9, null),
        ["Escape"] = ("Escape", 27, null),
        ["Backspace"] = ("Backspace", 8, null),
        ["Delete"] = ("Delete", 46, null),
        ["Space"] = ("Space", 32, " "),
        ["ArrowUp"] = ("ArrowUp", 38, null),
        ["ArrowDown"] = ("ArrowDown", 40, null),
        ["ArrowLeft"] = ("ArrowLeft", 37, null),
        ["ArrowRight"] = ("ArrowRight", 39, null),
        ["PageUp"] = ("PageUp", 33, null),
        ["PageDown"] = ("PageDown", 34, null),
        ["Home"] = ("Home", 36, null),
        ["End"] = ("End", 35, null),
    };

    /// <summary>The names accepted besides single characters.</summary>
    public static IEnumerable<string> Names => Named.Keys;

    /// <summary>The keyDown and keyUp parameters of <paramref name="key"/>, or null when it is not a known key.</summary>
    public static (JsonObject Down, JsonObject Up)? Events(string key)
    {
        string name;
        string code;
        int keyCode;
        string? text;
        if (Named.TryGetValue(key, out var known))
        {
            name = known.Code == "Space" ? " " : known.Code;
            (code, keyCode, text) = known;
        }
        else if (key.Length == 1)
        {
            var c = key[0];
            name = key;
            text = key;
            code = char.IsAsciiLetter(c) ? "Key" + char.ToUpperInvariant(c) : char.IsAsciiDigit(c) ? "Digit" + c : "";
            keyCode = char.IsAsciiLetter(c) ? char.ToUpperInvariant(c) : char.IsAsciiDigit(c) ? c : 0;
        }
        else
        {
            return null;
        }
        var down = new JsonObject { ["type"] = text is null ? "rawKeyDown" : "keyDown", ["key"] = name, ["code"] = code, ["windowsVirtualKeyCode"] = keyCode };
        if (text is not null)
        {
            down["text"] = text;
            down["unmodifiedText"] = text;
        }
        var up = new JsonObject { ["type"] = "keyUp", ["key"] = name, ["code"] = code, ["windowsVirtualKeyCode"] = keyCode };
        return (down, up);
    }
}
