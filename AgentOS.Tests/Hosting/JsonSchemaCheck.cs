using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentOS.Tests.Hosting;

/// <summary>A small JSON Schema validator for the keywords the exporter emits (type, enum, const, properties,
/// required, items, anyOf/oneOf, local $ref, boolean schemas). Returns the problems found, empty when valid.</summary>
public static class JsonSchemaCheck
{
    public static List<string> Validate(JsonNode schema, JsonNode? value)
    {
        var problems = new List<string>();
        Check(schema, schema, value, "$", problems);
        return problems;
    }

    private static void Check(JsonNode root, JsonNode? schema, JsonNode? value, string at, List<string> problems)
    {
        if (schema is JsonValue boolean && boolean.TryGetValue<bool>(out bool allowed))
        {
            if (!allowed)
            {
                problems.Add($"{at}: the schema allows nothing here");
            }
            return;
        }
        if (schema is not JsonObject s)
        {
            problems.Add($"{at}: the schema is not an object");
            return;
        }
        if (s["$ref"] is JsonValue reference)
        {
            string pointer = reference.GetValue<string>();
            JsonNode? target = root;
            foreach (var part in pointer.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                target = target?[part];
            }
            Check(root, target, value, at, problems);
        }
        if (s["type"] is { } type)
        {
            var types = type is JsonArray array ? array.Select(t => t!.GetValue<string>()).ToList() : [type.GetValue<string>()];
            string actual = KindOf(value);
            if (!types.Contains(actual) && !(actual == "integer" && types.Contains("number")))
            {
                problems.Add($"{at}: {actual}, the schema wants {string.Join(" or ", types)}");
                return;
            }
        }
        if (s["enum"] is JsonArray options && !options.Any(o => JsonNode.DeepEquals(o, value)))
        {
            problems.Add($"{at}: {value?.ToJsonString() ?? "null"} is not one of {options.ToJsonString()}");
        }
        foreach (var keyword in new[] { "anyOf", "oneOf" })
        {
            if (s[keyword] is JsonArray alternatives)
            {
                int matching = alternatives.Count(a => Validate(Rooted(root, a), value).Count == 0);
                if (matching == 0 || (keyword == "oneOf" && matching > 1))
                {
                    problems.Add($"{at}: {matching} of the {keyword} alternatives match");
                }
            }
        }
        if (value is JsonObject obj)
        {
            if (s["required"] is JsonArray required)
            {
                foreach (var name in required.Select(r => r!.GetValue<string>()).Where(n => !obj.ContainsKey(n)))
                {
                    problems.Add($"{at}: the required property '{name}' is missing");
                }
            }
            if (s["properties"] is JsonObject properties)
            {
                foreach (var (name, property) in obj)
                {
                    if (properties[name] is { } propertySchema)
                    {
                        Check(root, propertySchema, property, $"{at}.{name}", problems);
                    }
                    else if (s["additionalProperties"] is JsonValue extra && extra.TryGetValue<bool>(out bool ok) && !ok)
                    {
                        problems.Add($"{at}: '{name}' is not a property the schema knows");
                    }
                }
            }
        }
        if (value is JsonArray items && s["items"] is { } itemSchema)
        {
            for (int i = 0; i < items.Count; i++)
            {
                Check(root, itemSchema, items[i], $"{at}[{i}]", problems);
            }
        }
    }

    // An alternative checked on its own must still resolve $refs against the whole document.
    private static JsonObject Rooted(JsonNode root, JsonNode? alternative)
    {
        var copy = root.DeepClone().AsObject();
        foreach (var key in new[] { "type", "enum", "properties", "required", "items", "anyOf", "oneOf", "$ref", "additionalProperties" })
        {
            copy.Remove(key);
        }
        if (alternative is JsonObject a)
        {
            foreach (var (key, value) in a)
            {
                copy[key] = value?.DeepClone();
            }
        }
        else if (alternative is JsonValue v && v.TryGetValue<bool>(out bool b) && !b)
        {
            copy["not"] = true;
            copy["enum"] = new JsonArray();
        }
        return copy;
    }

    private static string KindOf(JsonNode? value) => value?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Number => value!.ToJsonString().AsSpan().IndexOfAny(".eE") < 0 ? "integer" : "number",
        _ => "unknown",
    };
}
