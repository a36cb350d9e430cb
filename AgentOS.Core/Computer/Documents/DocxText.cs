using System.IO.Compression;
using System.Text;
using System.Xml;

namespace AgentOS.Computer.Documents;

/// <summary>
/// A Word document's text from its <c>word/document.xml</c>: paragraphs as lines (headings as <c>#</c> lines, list
/// paragraphs as <c>-</c> items), tabs and line breaks kept, table rows as lines with cells joined by <c>|</c>,
/// deleted (tracked) text left out. The XML is read without DTDs or external resolution.
/// </summary>
internal static class DocxText
{
    private const string W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

    /// <exception cref="InvalidDataException">Not a zip, or no <c>word/document.xml</c>.</exception>
    public static string ToText(Stream docx)
    {
        using var zip = new ZipArchive(docx, ZipArchiveMode.Read);
        var entry = zip.GetEntry("word/document.xml")
            ?? throw new InvalidDataException("The file is a zip but not a Word document: it has no word/document.xml.");
        using var xml = XmlReader.Create(entry.Open(), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true });
        var text = new StringBuilder();
        var paragraph = new StringBuilder();
        string prefix = "";
        int tableDepth = 0;
        bool firstCell = true;
        bool firstParagraphInCell = true;
        // ReadElementContentAsString and Skip leave the reader on the next node already: do not Read past it.
        bool positioned = false;
        while (positioned || xml.Read())
        {
            positioned = false;
            if (xml.NamespaceURI != W)
            {
                continue;
            }
            if (xml.NodeType == XmlNodeType.Element)
            {
                switch (xml.LocalName)
                {
                    case "p":
                        paragraph.Clear();
                        prefix = "";
                        break;
                    case "pStyle":
                        string style = xml.GetAttribute("val", W) ?? "";
                        if (style.StartsWith("Heading", StringComparison.OrdinalIgnoreCase) && int.TryParse(style.AsSpan(7), out int level) && level is >= 1 and <= 6)
                        {
                            prefix = new string('#', level) + " ";
                        }
                        else if (style.Equals("Title", StringComparison.OrdinalIgnoreCase))
                        {
                            prefix = "# ";
                        }
                        break;
                    case "numPr":
                        prefix = "- ";
                        break;
                    case "t":
                        if (!xml.IsEmptyElement)
                        {
                            paragraph.Append(xml.ReadElementContentAsString());
                            positioned = true;
                        }
                        break;
                    case "delText":
                        xml.Skip();
                        positioned = true;
                        break;
                    case "tab":
                        paragraph.Append('\t');
                        break;
                    case "br" or "cr":
                        paragraph.Append('\n');
                        break;
                    case "tbl":
                        tableDepth++;
                        break;
                    case "tr":
                        firstCell = true;
                        break;
                    case "tc":
                        if (!firstCell)
                        {
                            text.Append(" | ");
                        }
                        firstCell = false;
                        firstParagraphInCell = true;
                        break;
                }
            }
            else if (xml.NodeType == XmlNodeType.EndElement)
            {
                switch (xml.LocalName)
                {
                    case "p":
                        if (tableDepth > 0)
                        {
                            if (!firstParagraphInCell && paragraph.Length > 0)
                            {
                                text.Append(' ');
                            }
                            text.Append(paragraph.Replace('\n', ' '));
                            firstParagraphInCell &= paragraph.Length == 0;
                        }
                        else
                        {
                            text.Append(prefix).Append(paragraph).Append('\n');
                        }
                        paragraph.Clear();
                        break;
                    case "tr":
                        text.Append('\n');
                        break;
                    case "tbl":
                        tableDepth--;
                        break;
                }
            }
        }
        return text.ToString();
    }
}
