using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentOS.Tests.Hosting;

/// <summary>
/// Turns a valid JSON request body into a malformed or unusual one, reproducibly from a <see cref="Random"/>: a value
/// made null, swapped for another type, made NaN, infinite, 1e39 or negative, a member removed or an unknown one
/// added, invalid UTF-8 spliced in, or the body cut short. One to three mutations per body; <see cref="Describe"/>
/// names what was done so a failure can be read (and replayed from the seed).
/// </summary>
internal sealed class JsonMutator(Random random)
{
    private const string RawMarker = "\u0001raw";

    // Number tokens spliced in as raw text: JSON has no NaN or Infinity, so some are not JSON at all.
    private static readonly string[] RawNumbers = ["NaN", "Infinity", "-Infinity", "1e39", "-1e39", "1e400", "-1", "0", "2147483648", "-2147483649", "0.5", "1e-50"];

    private static readonly Func<JsonNode?>[] Swaps =
    [
        () => JsonValue.Create("x"),
        () => JsonValue.Create(7),
        () => JsonValue.Create(true),
        () => new JsonArray(),
        () => new JsonObject(),
        () => new JsonArray(JsonValue.Create(1), null),
        () => JsonValue.Create(""),
    ];

    private static readonly byte[][] BadUtf8 = [[0xFF], [0xC3, 0x28], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xED, 0xA0, 0x80], [0xC0, 0xAF]];

    private readonly List<string> _done = [];

    // Where the valid body held strings: a swap never puts another string there, even after an earlier mutation
    // changed the value's kind (another valid string, such as an id that does not exist, changes the request's
    // meaning, not its shape).
    private readonly HashSet<string> _strings = [];

    /// <summary>What the last <see cref="Mutate"/> did.</summary>
    public string Describe => string.Join("; ", _done);

    /// <summary>A mutated copy of <paramref name="json"/>, as the bytes to send.</summary>
    public byte[] Mutate(string json)
    {
        _done.Clear();
        var root = JsonNode.Parse(json)!;
        _strings.Clear();
        foreach (var node in Nodes(root).Where(n => n.GetValueKind() == JsonValueKind.String))
        {
            _strings.Add(node.GetPath());
        }
        var raws = new List<string>();
        int count = 1 + random.Next(3);
        bool utf8 = false, truncate = false;
        for (int i = 0; i < count; i++)
        {
            switch (random.Next(8))
            {
                case 0:
                    Replace(root, (_, _) => null, "null");
                    break;
                case 1:
                    Replace(root, (node, path) => Swap(node, _strings.Contains(path)), "type swap");
                    break;
                case 2:
                case 3:
                    string raw = RawNumbers[random.Next(RawNumbers.Length)];
                    raws.Add(raw);
                    Replace(root, (_, _) => JsonValue.Create(RawMarker + (raws.Count - 1)), raw);
                    break;
                case 4:
                    Replace(root, (node, _) => node is JsonValue v && v.TryGetValue(out double d) ? JsonValue.Create(-Math.Abs(d) - 1) : JsonValue.Create(-1), "negative");
                    break;
                case 5:
                    Remove(root);
                    break;
                case 6:
                    AddExtra(root);
                    break;
                default:
                    if (random.Next(2) == 0)
                    {
                        utf8 = true;
                    }
                    else
                    {
                        truncate = true;
                    }
                    break;
            }
        }
        string text = root.ToJsonString();
        for (int i = 0; i < raws.Count; i++)
        {
            text = text.Replace($"\"{JsonMarker(i)}\"", raws[i], StringComparison.Ordinal);
        }
        var bytes = Encoding.UTF8.GetBytes(text);
        if (utf8)
        {
            var bad = BadUtf8[random.Next(BadUtf8.Length)];
            int at = random.Next(bytes.Length + 1);
            bytes = [.. bytes.AsSpan(0, at), .. bad, .. bytes.AsSpan(at)];
            _done.Add($"invalid UTF-8 at byte {at}");
        }
        if (truncate)
        {
            int length = random.Next(bytes.Length);
            bytes = bytes[..length];
            _done.Add($"truncated to {length} bytes");
        }
        return bytes;
    }

    // A value of another JSON kind than `node` (a string stays no string: another valid string is no mutation of
    // the request's shape, only of its meaning, such as an id that does not exist).
    private JsonNode? Swap(JsonNode? node, bool wasString)
    {
        var kind = node?.GetValueKind();
        while (true)
        {
            var candidate = Swaps[random.Next(Swaps.Length)]();
            var candidateKind = candidate!.GetValueKind();
            bool same = candidateKind == kind || (candidateKind is JsonValueKind.True or JsonValueKind.False && kind is JsonValueKind.True or JsonValueKind.False)
                || (wasString && candidateKind == JsonValueKind.String);
            if (!same)
            {
                return candidate;
            }
        }
    }

    // The marker as ToJsonString escapes it (\u0001 becomes \u0001 in the text).
    private static string JsonMarker(int index) => "\\u0001raw" + index;

    private void Replace(JsonNode root, Func<JsonNode?, string, JsonNode?> make, string what)
    {
        var (parent, key, index) = PickSlot(root);
        if (parent is null)
        {
            return;
        }
        string path = Where(parent, key, index);
        switch (parent)
        {
            case JsonObject o:
                o[key!] = make(o[key!], path);
                break;
            case JsonArray a:
                a[index] = make(a[index], path);
                break;
        }
        _done.Add($"{what} at {Where(parent, key, index)}");
    }

    private void Remove(JsonNode root)
    {
        var (parent, key, index) = PickSlot(root);
        switch (parent)
        {
            case JsonObject o:
                o.Remove(key!);
                break;
            case JsonArray a:
                a.RemoveAt(index);
                break;
            default:
                return;
        }
        _done.Add($"removed {Where(parent, key, index)}");
    }

    private void AddExtra(JsonNode root)
    {
        var objects = Nodes(root).OfType<JsonObject>().ToList();
        var target = objects[random.Next(objects.Count)];
        string name = random.Next(3) == 0 ? "agent_id" : "zz_extra" + random.Next(100);
        if (target.ContainsKey(name))
        {
            name = "zz_extra";
        }
        target[name] = Swaps[random.Next(Swaps.Length)]();
        _done.Add($"extra '{name}' at {target.GetPath()}");
    }

    // A random member or element anywhere in the document.
    private (JsonNode? Parent, string? Key, int Index) PickSlot(JsonNode root)
    {
        var slots = new List<(JsonNode, string?, int)>();
        foreach (var node in Nodes(root))
        {
            if (node is JsonObject o)
            {
                slots.AddRange(o.Select(p => ((JsonNode)o, (string?)p.Key, -1)));
            }
            else if (node is JsonArray a)
            {
                slots.AddRange(Enumerable.Range(0, a.Count).Select(i => ((JsonNode)a, (string?)null, i)));
            }
        }
        return slots.Count == 0 ? (null, null, -1) : slots[random.Next(slots.Count)];
    }

    private static IEnumerable<JsonNode> Nodes(JsonNode node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children.ToList())
        {
            if (child is not null)
            {
                foreach (var inner in Nodes(child))
                {
                    yield return inner;
                }
            }
        }
    }

    private static string Where(JsonNode parent, string? key, int index) => parent.GetPath() + (key is null ? $"[{index}]" : "." + key);
}
