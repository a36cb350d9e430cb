using System.Globalization;
using System.Net;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Computer.Browser;

/// <summary>The pages the browser tests load, served by a <see cref="ScriptedHttpServer"/> on 127.0.0.1.</summary>
internal static class TestSite
{
    public static Task ServeAsync(RecordedRequest request, HttpExchange exchange)
    {
        var path = request.Path.Split('?')[0];
        var query = request.Path.Contains('?', StringComparison.Ordinal) ? request.Path[(request.Path.IndexOf('?', StringComparison.Ordinal) + 1)..] : "";
        return path switch
        {
            "/" => Html(exchange, "Home", "<h1>Welcome</h1><a href=\"/next\">Next page</a>"),
            "/next" => Html(exchange, "Next", "<h1>Second page</h1><p>You followed the link.</p>"),
            "/form" => Html(exchange, "Order form",
                "<form method=\"post\" action=\"/submit\"><label for=\"n\">Your name</label><input id=\"n\" name=\"name\">" +
                "<select name=\"color\"><option value=\"red\">Red</option><option value=\"green\">Green</option></select>" +
                "<textarea name=\"note\"></textarea><button type=\"submit\">Send order</button></form>"),
            "/submit" when request.Method == "POST" => Html(exchange, "Thanks",
                $"<p id=\"result\">Thanks {WebUtility.HtmlEncode(Field(request.Body, "name"))}, color {WebUtility.HtmlEncode(Field(request.Body, "color"))}</p>"),
            "/js" => Html(exchange, "Script",
                "<div id=\"now\"></div><div id=\"later\">loading</div><script>" +
                "document.getElementById('now').textContent = 'rendered ' + ['by', 'script'].join(' ');" +
                "fetch('/data').then(r => r.json()).then(d => { document.getElementById('later').textContent = 'items: ' + d.items.join(', '); });" +
                "</script>"),
            "/data" => exchange.RespondAsync(200, "{\"items\":[\"apple\",\"pear\"]}"),
            "/long" => Html(exchange, "Long", "<div style=\"height:5000px\">top</div><button id=\"b\">Bottom button</button>"),
            "/probe" => Html(exchange, "Probe", ProbeScript(query)),
            _ => exchange.RespondAsync(404, "not found", "text/plain"),
        };
    }

    /// <summary>A page whose script tries to get around the proxy's allow-list and to read the host's files, writing
    /// what happened into #out; each attempt sets its own line, so the test reads every outcome.</summary>
    private static string ProbeScript(string query)
    {
        var refused = int.Parse(Field(query, "refused"), CultureInfo.InvariantCulture);
        var file = Field(query, "file");
        return "<pre id=\"out\"></pre><iframe id=\"f\" src=\"file://" + WebUtility.HtmlEncode(file) + "\"></iframe><script>" +
            "const out = document.getElementById('out'); const say = s => { out.textContent += s + '\\n'; };" +
            "const tries = [" +
            "fetch('/allowed-fetch').then(r => r.text()).then(t => say('allowed fetch: ' + t.length), e => say('allowed fetch failed')), " +
            $"fetch('http://127.0.0.1:{refused}/bypass', {{ mode: 'no-cors' }}).then(r => say('refused fetch: answered'), e => say('refused fetch: failed')), " +
            $"new Promise(done => {{ const ws = new WebSocket('ws://127.0.0.1:{refused}/ws'); ws.onopen = () => {{ say('websocket: open'); done(); }}; ws.onerror = () => {{ say('websocket: failed'); done(); }}; }}), " +
            "fetch('file://" + file + "').then(r => r.text()).then(t => say('file fetch: ' + t), e => say('file fetch: failed')), " +
            "];" +
            "Promise.all(tries).then(() => say('done'));" +
            "</script>";
    }

    private static Task Html(HttpExchange exchange, string title, string body) =>
        exchange.RespondAsync(200, $"<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body>{body}</body></html>", "text/html; charset=utf-8");

    /// <summary>A field of a form-encoded body or query string.</summary>
    public static string Field(string encoded, string name) =>
        encoded.Split('&').Select(p => p.Split('=', 2)).Where(p => p[0] == name).Select(p => WebUtility.UrlDecode(p.Length > 1 ? p[1] : "")).FirstOrDefault() ?? "";
}
