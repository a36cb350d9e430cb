using System.Globalization;
using System.Text;

namespace AgentOS.Bench.Report.Svg;

/// <summary>
/// A tiny SVG writer: shapes and text appended in order to one document. Output is deterministic (numbers rounded to
/// two decimals in the invariant culture, attributes in a fixed order) so a chart of the same figures is the same bytes,
/// and every text is escaped, so a label can never break the XML.
/// </summary>
public sealed class SvgCanvas(double width, double height)
{
    private readonly StringBuilder _body = new();

    public double Width { get; } = width;

    public double Height { get; } = height;

    public void Line(double x1, double y1, double x2, double y2, string stroke, double strokeWidth = 1, string? dash = null) =>
        _body.Append("<line x1=\"").Append(Num(x1)).Append("\" y1=\"").Append(Num(y1)).Append("\" x2=\"").Append(Num(x2)).Append("\" y2=\"").Append(Num(y2))
            .Append("\" stroke=\"").Append(Escape(stroke)).Append("\" stroke-width=\"").Append(Num(strokeWidth)).Append('"')
            .Append(dash is null ? "" : $" stroke-dasharray=\"{Escape(dash)}\"").Append("/>\n");

    public void Rect(double x, double y, double width, double height, string fill, string? title = null)
    {
        _body.Append("<rect x=\"").Append(Num(x)).Append("\" y=\"").Append(Num(y)).Append("\" width=\"").Append(Num(width)).Append("\" height=\"").Append(Num(height))
            .Append("\" fill=\"").Append(Escape(fill)).Append('"');
        _body.Append(title is null ? "/>\n" : $"><title>{Escape(title)}</title></rect>\n");
    }

    public void Polyline(IEnumerable<(double X, double Y)> points, string stroke, double strokeWidth = 2, string? dash = null)
    {
        _body.Append("<polyline fill=\"none\" stroke=\"").Append(Escape(stroke)).Append("\" stroke-width=\"").Append(Num(strokeWidth)).Append('"')
            .Append(dash is null ? "" : $" stroke-dasharray=\"{Escape(dash)}\"").Append(" points=\"");
        bool first = true;
        foreach (var (x, y) in points)
        {
            _body.Append(first ? "" : " ").Append(Num(x)).Append(',').Append(Num(y));
            first = false;
        }
        _body.Append("\"/>\n");
    }

    public void Circle(double cx, double cy, double r, string fill, string? title = null)
    {
        _body.Append("<circle cx=\"").Append(Num(cx)).Append("\" cy=\"").Append(Num(cy)).Append("\" r=\"").Append(Num(r)).Append("\" fill=\"").Append(Escape(fill)).Append('"');
        _body.Append(title is null ? "/>\n" : $"><title>{Escape(title)}</title></circle>\n");
    }

    /// <summary>Text at (x, y); <paramref name="anchor"/> is start, middle or end; <paramref name="rotate"/> in degrees
    /// about the anchor point.</summary>
    public void Text(double x, double y, string text, string anchor = "start", double size = 12, double rotate = 0, string weight = "normal")
    {
        _body.Append("<text x=\"").Append(Num(x)).Append("\" y=\"").Append(Num(y)).Append("\" font-size=\"").Append(Num(size)).Append("\" text-anchor=\"").Append(Escape(anchor)).Append('"');
        if (weight != "normal")
        {
            _body.Append(" font-weight=\"").Append(Escape(weight)).Append('"');
        }
        if (rotate != 0)
        {
            _body.Append(" transform=\"rotate(").Append(Num(rotate)).Append(' ').Append(Num(x)).Append(' ').Append(Num(y)).Append(")\"");
        }
        _body.Append('>').Append(Escape(text)).Append("</text>\n");
    }

    /// <summary>The whole document, with a white background and a sans-serif default font.</summary>
    public override string ToString() =>
        $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Num(Width)}\" height=\"{Num(Height)}\" viewBox=\"0 0 {Num(Width)} {Num(Height)}\" font-family=\"sans-serif\">\n"
        + $"<rect x=\"0\" y=\"0\" width=\"{Num(Width)}\" height=\"{Num(Height)}\" fill=\"white\"/>\n" + _body + "</svg>\n";

    /// <summary>A coordinate as written: at most two decimals, invariant culture, no negative zero.</summary>
    public static string Num(double value)
    {
        double rounded = Math.Round(value, 2, MidpointRounding.AwayFromZero);
        return (rounded == 0 ? 0 : rounded).ToString("0.##", CultureInfo.InvariantCulture);
    }

    /// <summary>Escapes text and attribute values for XML (the five predefined entities); control characters other than
    /// tab and newline, which XML 1.0 cannot hold, become U+FFFD.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&apos;",
                < ' ' when c is not '\t' and not '\n' => "\uFFFD",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }
}
