namespace AgentOS.Computer.Browser;

public static partial class BrowserTools
{
    private const string Session = "\"session_id\":{\"type\":\"string\",\"description\":\"The session whose browser to use.\"}";
    private const string Ref = "\"ref\":{\"type\":\"string\",\"pattern\":\"^e[0-9]+$\",\"description\":\"An element reference from browser.snapshot (e12).\"}";

    private static string Schema(string properties, params string[] required) =>
        "{\"type\":\"object\",\"properties\":{" + Session + (properties.Length == 0 ? "" : "," + properties) + "},\"required\":[\"session_id\"" +
        string.Concat(required.Select(r => ",\"" + r + "\"")) + "]}";

    private static readonly string SessionOnly = Schema("");
    private static readonly string TextSchema = Schema("\"wait_for_text\":{\"type\":\"string\",\"description\":\"Wait until the page's text contains this.\"},\"wait_ms\":{\"type\":\"integer\",\"minimum\":1,\"default\":10000}");
    private static readonly string NavigateSchema = Schema("\"url\":{\"type\":\"string\",\"description\":\"An http:// or https:// address (or about:blank).\"}", "url");
    private static readonly string ClickSchema = Schema(Ref, "ref");
    private static readonly string TypeSchema = Schema(Ref + ",\"text\":{\"type\":\"string\"},\"clear\":{\"type\":\"boolean\",\"default\":true,\"description\":\"Replace the field's value (else append).\"},\"submit\":{\"type\":\"boolean\",\"default\":false,\"description\":\"Press Enter afterwards.\"}", "ref", "text");
    private static readonly string PressSchema = Schema("\"key\":{\"type\":\"string\",\"description\":\"One character, or Enter, Tab, Escape, Backspace, Delete, Space, ArrowUp, ArrowDown, ArrowLeft, ArrowRight, PageUp, PageDown, Home, End.\"}," + Ref, "key");
    private static readonly string SelectSchema = Schema(Ref + ",\"value\":{\"type\":\"string\",\"description\":\"The option's value or its visible label.\"}", "ref", "value");
    private static readonly string ScrollSchema = Schema(Ref + ",\"direction\":{\"type\":\"string\",\"enum\":[\"down\",\"up\",\"left\",\"right\"],\"default\":\"down\"},\"amount\":{\"type\":\"integer\",\"minimum\":1,\"description\":\"CSS pixels; most of a viewport when absent.\"}");
    private static readonly string TabsSchema = Schema("\"action\":{\"type\":\"string\",\"enum\":[\"list\",\"open\",\"switch\",\"close\"],\"default\":\"list\"},\"tab_id\":{\"type\":\"string\",\"description\":\"For switch and close (t1, t2, ...).\"},\"url\":{\"type\":\"string\",\"description\":\"For open: the page to load in the new tab.\"}");
    private static readonly string ScreenshotSchema = Schema("\"full_page\":{\"type\":\"boolean\",\"default\":false},\"path\":{\"type\":\"string\",\"description\":\"Also save the PNG at this workspace path.\"}");

    private const string StateProperties = "\"tab_id\":{\"type\":\"string\"},\"url\":{\"type\":\"string\"},\"title\":{\"type\":\"string\"},\"status\":{\"type\":\"integer\"},\"navigated\":{\"type\":\"boolean\"},\"error\":{\"type\":\"object\",\"properties\":{\"code\":{\"type\":\"string\"},\"message\":{\"type\":\"string\"}}}";

    private static string Output(string more = "") => "{\"type\":\"object\",\"properties\":{" + StateProperties + (more.Length == 0 ? "" : "," + more) + "}}";
}
