using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using AgentOS.Serialization;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Serialization;

/// <summary>
/// Every type the one JSON context reads keeps its documented defaults when a member is missing from the JSON. The
/// source-generated serializer builds a type with init-only properties through one object initializer and passes
/// default(T) for each missing member, silently dropping a property's <c>= 256</c> (max_tokens 0 over HTTP); a JSON
/// constructor parameter's default fixes that. This walks every type reachable from the context's declaration, so a
/// new wire type with the same mistake fails here rather than in production.
/// </summary>
public sealed class WireDefaultsTests
{
    [Test]
    public void EveryWireTypeReadFromMinimalJsonKeepsItsDefaults()
    {
        var failures = new List<string>();
        int checkedTypes = 0;
        foreach (var type in ReachableTypes())
        {
            if (type.IsAbstract || type.GetConstructor(BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes) is null)
            {
                continue; // positional records: their parameters' defaults are honoured by the serializer already
            }
            checkedTypes++;
            var info = AgentOSJsonContext.Default.GetTypeInfo(type)!;
            object fresh = Activator.CreateInstance(type)!; // what `new T { required members }` gives, defaults and all
            var minimal = new JsonObject();
            // A required JsonElement (a tool's schema) is unset in a fresh instance: it is given as {} and not compared.
            var given = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in info.Properties.Where(p => p.IsRequired))
            {
                string value = Serialize(property.Get!(fresh), property.PropertyType);
                minimal[property.Name] = value.StartsWith('(') ? new JsonObject() : JsonNode.Parse(value);
                if (value.StartsWith('('))
                {
                    given.Add(property.Name);
                }
            }
            object read;
            try
            {
                read = JsonSerializer.Deserialize(minimal.ToJsonString(), info)!;
            }
            catch (JsonException ex)
            {
                failures.Add($"{type.Name}: {minimal.ToJsonString()} did not read: {ex.Message}");
                continue;
            }
            foreach (var property in info.Properties.Where(p => p.Get is not null && !given.Contains(p.Name)))
            {
                string expected = Serialize(property.Get!(fresh), property.PropertyType);
                string actual = Serialize(property.Get!(read), property.PropertyType);
                if (expected != actual)
                {
                    failures.Add($"{type.Name}.{property.Name}: missing from the JSON it reads as {actual}, but its default is {expected}");
                }
            }
        }
        Assert.True(checkedTypes > 10, $"only {checkedTypes} wire types were found");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Test]
    public void TheQueriesDefaultsSurviveJson()
    {
        var llm = JsonSerializer.Deserialize("""{"messages": [{"role": "user", "content": "hi"}]}""", AgentOSJsonContext.Default.LlmQuery)!;
        Assert.Equal(256, llm.MaxTokens);
        var memory = JsonSerializer.Deserialize("""{"operation": "search", "text": "tea"}""", AgentOSJsonContext.Default.MemoryQuery)!;
        Assert.Equal(10, memory.Limit);
        // The operation is still required on the wire: a query without one is refused, not taken as an add.
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"content": "x"}""", AgentOSJsonContext.Default.MemoryQuery));
    }

    private static string Serialize(object? value, Type type)
    {
        try
        {
            return value is null ? "null" : JsonSerializer.Serialize(value, AgentOSJsonContext.Default.GetTypeInfo(type)!);
        }
        catch (InvalidOperationException ex)
        {
            return $"(cannot serialize: {ex.GetType().Name})"; // an unset JsonElement, for one: the same on both sides
        }
    }

    // The types on the context's [JsonSerializable] list, and every object type their members reach.
    private static IEnumerable<Type> ReachableTypes()
    {
        var roots = typeof(AgentOSJsonContext).GetCustomAttributesData()
            .Where(a => a.AttributeType == typeof(JsonSerializableAttribute))
            .Select(a => (Type)a.ConstructorArguments[0].Value!);
        var seen = new HashSet<Type>();
        var pending = new Queue<Type>(roots);
        while (pending.TryDequeue(out var type))
        {
            if (!seen.Add(type) || AgentOSJsonContext.Default.GetTypeInfo(type) is not { } info)
            {
                continue;
            }
            switch (info.Kind)
            {
                case JsonTypeInfoKind.Object:
                    yield return type;
                    foreach (var property in info.Properties)
                    {
                        pending.Enqueue(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType);
                    }
                    break;
                case JsonTypeInfoKind.Enumerable or JsonTypeInfoKind.Dictionary:
                    pending.Enqueue(info.ElementType!);
                    break;
            }
        }
    }
}
