using System.Net;
using System.Text;

namespace AgentOS.Computer.Documents;

/// <summary>
/// HTML as readable text: scripts, styles and comments dropped; headings as <c>#</c> lines, paragraphs separated by a
/// blank line, list items as <c>-</c> (or numbered) lines, table cells joined by <c>|</c>, <c>pre</c> kept verbatim,
/// entities decoded. A forgiving scanner, not a parser: real pages are rarely well-formed.
/// </summary>
internal static class HtmlText
{
    private static readonly HashSet<string> Skipped = new(StringComparer.OrdinalIgnoreCase) { "script", "style", "noscript", "template", "svg" };

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "section", "article", "header", "footer", "nav", "aside", "main", "blockquote", "ul", "ol", "dl", "dt", "dd",
        "table", "figure", "figcaption", "form", "address", "details", "summary", "fieldset", "body", "html", "title",
    };

    public static string ToText(string html)
    {
        var output = new Output();
        var lists = new Stack<(bool Ordered, int Next)>();
        int pre = 0;
        bool firstCell = true;
        int i = 0;
        while (i < html.Length)
        {
            int lt = html.IndexOf('<', i);
            if (lt < 0)
            {
                output.Text(WebUtility.HtmlDecode(html[i..]), pre > 0);
                break;
            }
            if (lt > i)
            {
                output.Text(WebUtility.HtmlDecode(html[i..lt]), pre > 0);
            }
            if (html.AsSpan(lt).StartsWith("<!--"))
            {
                int end = html.IndexOf("-->", lt + 4, StringComparison.Ordinal);
                i = end < 0 ? html.Length : end + 3;
                continue;
            }
            int close = TagEnd(html, lt);
            var (name, closing, attributes) = ParseTag(html.AsSpan(lt + 1, close - lt - 1));
            i = close + 1;
            if (name.Length == 0)
            {
                continue; // <!DOCTYPE>, <?xml?>, or a stray '<'
            }
            if (!closing && Skipped.Contains(name))
            {
                int end = html.IndexOf("</" + name, i, StringComparison.OrdinalIgnoreCase);
                i = end < 0 ? html.Length : TagEnd(html, end) + 1;
                continue;
            }
            if (!closing && name.Equals("head", StringComparison.OrdinalIgnoreCase))
            {
                // Keep the title, drop the rest of the head (meta, links, scripts).
                int end = html.IndexOf("</head", i, StringComparison.OrdinalIgnoreCase);
                string head = html[i..(end < 0 ? html.Length : end)];
                int t = head.IndexOf("<title", StringComparison.OrdinalIgnoreCase);
                if (t >= 0)
                {
                    int ts = head.IndexOf('>', t) + 1;
                    int te = head.IndexOf("</title", ts, StringComparison.OrdinalIgnoreCase);
                    string title = WebUtility.HtmlDecode(head[ts..(te < 0 ? head.Length : te)]).Trim();
                    if (title.Length > 0)
                    {
                        output.Block(2);
                        output.Text(title, false);
                        output.Block(2);
                    }
                }
                i = end < 0 ? html.Length : TagEnd(html, end) + 1;
                continue;
            }
            switch (name.ToLowerInvariant())
            {
                case "h1" or "h2" or "h3" or "h4" or "h5" or "h6":
                    output.Block(2);
                    if (!closing)
                    {
                        output.Raw(new string('#', name[1] - '0') + " ");
                    }
                    break;
                case "br":
                    output.Raw("\n");
                    break;
                case "hr":
                    output.Block(2);
                    output.Raw("---");
                    output.Block(2);
                    break;
                case "pre":
                    output.Block(2);
                    pre = Math.Max(0, pre + (closing ? -1 : 1));
                    break;
                case "ul" or "ol":
                    if (closing)
                    {
                        lists.TryPop(out _);
                        output.Block(lists.Count == 0 ? 2 : 1);
                    }
                    else
                    {
                        output.Block(lists.Count == 0 ? 2 : 1);
                        lists.Push((name.Equals("ol", StringComparison.OrdinalIgnoreCase), 1));
                    }
                    break;
                case "li":
                    output.Block(1);
                    if (!closing)
                    {
                        string indent = new(' ', Math.Max(0, lists.Count - 1) * 2);
                        if (lists.Count > 0 && lists.Peek().Ordered)
                        {
                            var list = lists.Pop();
                            output.Raw($"{indent}{list.Next}. ");
                            lists.Push((true, list.Next + 1));
                        }
                        else
                        {
                            output.Raw(indent + "- ");
                        }
                    }
                    break;
                case "tr":
                    output.Block(1);
                    firstCell = true;
                    break;
                case "td" or "th":
                    if (!closing)
                    {
                        if (!firstCell)
                        {
                            output.Raw(" | ");
                        }
                        firstCell = false;
                    }
                    break;
                case "img":
                    if (Attribute(attributes, "alt") is { Length: > 0 } alt)
                    {
                        output.Text($"[image: {WebUtility.HtmlDecode(alt)}]", false);
                    }
                    break;
                default:
                    if (Blocks.Contains(name))
                    {
                        output.Block(name.ToLowerInvariant() is "p" or "blockquote" or "table" ? 2 : 1);
                    }
                    break;
            }
        }
        return output.ToString();
    }

    /// <summary>The index of the <c>&gt;</c> closing the tag at <paramref name="lt"/>, skipping quoted attribute values.</summary>
    private static int TagEnd(string html, int lt)
    {
        char quote = '\0';
        for (int j = lt + 1; j < html.Length; j++)
        {
            char c = html[j];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == '>')
            {
                return j;
            }
        }
        return html.Length - 1;
    }

    private static (string Name, bool Closing, string Attributes) ParseTag(ReadOnlySpan<char> tag)
    {
        bool closing = tag.StartsWith("/");
        if (closing)
        {
            tag = tag[1..];
        }
        int n = 0;
        while (n < tag.Length && char.IsAsciiLetterOrDigit(tag[n]))
        {
            n++;
        }
        return (tag[..n].ToString(), closing, tag[n..].ToString());
    }

    private static string? Attribute(string attributes, string name)
    {
        int at = attributes.IndexOf(name + "=", StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return null;
        }
        int start = at + name.Length + 1;
        if (start < attributes.Length && attributes[start] is '"' or '\'')
        {
            int end = attributes.IndexOf(attributes[start], start + 1);
            return end < 0 ? attributes[(start + 1)..] : attributes[(start + 1)..end];
        }
        int stop = attributes.IndexOfAny([' ', '/', '>'], start);
        return stop < 0 ? attributes[start..] : attributes[start..stop];
    }

    /// <summary>Collects text with collapsed white space and at most one blank line between blocks.</summary>
    private sealed class Output
    {
        private readonly StringBuilder _text = new();
        private int _pendingNewlines;
        private bool _pendingSpace;

        public void Block(int newlines) => _pendingNewlines = Math.Max(_pendingNewlines, newlines);

        public void Raw(string text)
        {
            Flush();
            _text.Append(text);
        }

        public void Text(string text, bool preformatted)
        {
            if (preformatted)
            {
                Raw(text);
                return;
            }
            foreach (char c in text)
            {
                if (char.IsWhiteSpace(c))
                {
                    _pendingSpace = true;
                    continue;
                }
                if (_pendingSpace && _pendingNewlines == 0 && _text.Length > 0 && _text[^1] is not ('\n' or ' '))
                {
                    _text.Append(' ');
                }
                _pendingSpace = false;
                Flush();
                _text.Append(c);
            }
        }

        private void Flush()
        {
            if (_pendingNewlines > 0 && _text.Length > 0)
            {
                while (_text.Length > 0 && _text[^1] == ' ')
                {
                    _text.Length--;
                }
                int have = 0;
                for (int k = _text.Length - 1; k >= 0 && _text[k] == '\n'; k--)
                {
                    have++;
                }
                _text.Append('\n', Math.Max(0, _pendingNewlines - have));
            }
            _pendingNewlines = 0;
            _pendingSpace = false;
        }

        public override string ToString() => _text.ToString().Trim() + "\n";
    }
}
