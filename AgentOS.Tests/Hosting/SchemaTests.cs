using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using AgentOS.Hosting.Http;
using AgentOS.Kernel;
using AgentOS.Serialization;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Hosting;

/// <summary>The syscall bodies' JSON Schemas: generated from the wire types, served over HTTP, documented.</summary>
public sealed class SchemaTests
{
    [Test]
    public void EachSchemasExampleReadsThroughTheRealSerializerAndValidates()
    {
        foreach (var name in SyscallSchemas.Names)
        {
            var schema = Assert.NotNull(SyscallSchemas.Find(name));
            Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema["$schema"]!.GetValue<string>());
            var example = schema["examples"]![0]!;
            // Read with the server's own contract: an example the kernel could not read fails here.
            var value = JsonSerializer.Deserialize(example.ToJsonString(), SyscallSchemas.TypeOf(name));
            Assert.NotNull(value, name);
            Assert.SequenceEqual([], JsonSchemaCheck.Validate(schema, example), $"{name}'s example");
            // What the kernel writes for it validates too.
            var written = JsonNode.Parse(JsonSerializer.Serialize(value, SyscallSchemas.TypeOf(name)));
            Assert.SequenceEqual([], JsonSchemaCheck.Validate(schema, written), $"{name} as the kernel writes it");
        }
    }

    [Test]
    public void RequestsOfEveryKindAsTheSdkSendsThemValidate()
    {
        var schema = Assert.NotNull(SyscallSchemas.Find("syscall_request"));
        SyscallRequest[] requests =
        [
            new() { AgentId = "alice", Llm = new LlmQuery { Messages = [new ChatMessage("user", "hi")], Tools = [new ToolSpec("calc", "adds", JsonDocument.Parse("""{"type":"object"}""").RootElement)], Seed = 7, ContextId = "c1", CallSite = "Plan" }, Deadline = DateTimeOffset.UnixEpoch, EstimatedCost = 12.5 },
            new() { AgentId = "alice", Memory = new MemoryQuery { Operation = MemoryOperation.Add, Content = "note", Tags = ["a"], Importance = 0.5f } },
            new() { AgentId = "alice", Memory = new MemoryQuery { Operation = MemoryOperation.Search, Text = "note", Owners = ["bob"], Mode = "hybrid" } },
            new() { AgentId = "alice", Storage = new StorageQuery { Operation = StorageOperation.Write, Path = "a/b.txt", Data = [1, 2, 3] } },
            new() { AgentId = "alice", Storage = new StorageQuery { Operation = StorageOperation.Rollback, Path = "a/b.txt", StepsBack = 1, AsOf = DateTimeOffset.UnixEpoch } },
            new() { AgentId = "alice", Tool = new ToolQuery { Call = new ToolCall("calc", JsonDocument.Parse("""{"x":1}""").RootElement) { Id = "t1" } } },
        ];
        foreach (var request in requests)
        {
            var json = JsonNode.Parse(JsonSerializer.Serialize(request, AgentOSJsonContext.Default.SyscallRequest));
            Assert.SequenceEqual([], JsonSchemaCheck.Validate(schema, json), json!.ToJsonString());
        }
    }

    [Test]
    public void MalformedRequestsAreInvalid()
    {
        // The checks are not vacuous: what the kernel refuses, the schema refuses.
        AssertInvalid("storage_query", """{"operation": "Write"}""", "required property 'path'");
        AssertInvalid("memory_query", """{"operation": "Frobnicate"}""", "is not one of");
        AssertInvalid("llm_query", """{"messages": "hi"}""", "the schema wants array");
        AssertInvalid("syscall_request", """{"llm": {"messages": []}}""", "required property 'agent_id'");
        AssertInvalid("tool_query", """{"call": {"arguments": {}}}""", "required property 'name'");
    }

    [Test]
    public void EverySerializedPropertyOfTheQueryTypesIsInItsSchema()
    {
        var types = new (string Schema, Type Type)[]
        {
            ("syscall_request", typeof(SyscallRequest)), ("llm_query", typeof(LlmQuery)), ("memory_query", typeof(MemoryQuery)),
            ("storage_query", typeof(StorageQuery)), ("tool_query", typeof(ToolQuery)), ("syscall_response", typeof(SyscallResponse)),
            ("llm_response", typeof(LlmResponse)), ("memory_response", typeof(MemoryResponse)), ("storage_response", typeof(StorageResponse)),
            ("tool_response", typeof(ToolResponse)),
        };
        Assert.SequenceEqual(SyscallSchemas.Names.Order(StringComparer.Ordinal), types.Select(t => t.Schema).Order(StringComparer.Ordinal), "a schema per query and response type");
        foreach (var (name, type) in types)
        {
            var properties = Assert.NotNull(SyscallSchemas.Find(name))["properties"]!.AsObject();
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is not { Condition: JsonIgnoreCondition.Always }))
            {
                string wire = JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name);
                Assert.True(properties.ContainsKey(wire), $"{type.Name}.{property.Name} ({wire}) is missing from the schema '{name}'");
            }
        }
    }

    [Test(TimeoutSeconds = 60)]
    public async Task TheServerServesEverySchemaAndNamesThemForAnUnknownOne()
    {
        using var temp = new TempDirectory("agentos-schemas");
        await using var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = temp.Path });
        var server = KernelHttpServer.Start(kernel, new HttpServerOptions { BearerToken = "schema-reader" });
        try
        {
            using var http = new HttpClient { BaseAddress = server.Url };
            http.DefaultRequestHeaders.Authorization = new("Bearer", "schema-reader");
            var all = JsonNode.Parse(await http.GetStringAsync("v1/schemas"))!["schemas"]!.AsObject();
            Assert.SequenceEqual(SyscallSchemas.Names, all.Select(p => p.Key));
            using var one = await http.GetAsync("v1/schemas/storage_query");
            Assert.Equal(200, (int)one.StatusCode);
            Assert.Equal("application/schema+json", one.Content.Headers.ContentType!.MediaType);
            Assert.True(JsonNode.DeepEquals(SyscallSchemas.Find("storage_query"), JsonNode.Parse(await one.Content.ReadAsStringAsync())));
            using var missing = await http.GetAsync("v1/schemas/bogus");
            Assert.Equal(404, (int)missing.StatusCode);
            using var error = JsonDocument.Parse(await missing.Content.ReadAsStringAsync());
            Assert.Contains("No schema 'bogus'. Schemas: syscall_request, llm_query, memory_query, storage_query, tool_query,", error.RootElement.GetProperty("error").GetProperty("message").GetString());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Test]
    public void TheApiReferenceDocumentsEverySchemaAndItsProperties()
    {
        string docs = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "api.md"));
        int start = docs.IndexOf("### Request shapes (JSON Schema)", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/api.md has a 'Request shapes (JSON Schema)' section");
        int end = docs.IndexOf("\n### ", start + 10, StringComparison.Ordinal);
        string section = end < 0 ? docs[start..] : docs[start..end];
        foreach (var name in SyscallSchemas.Names)
        {
            Assert.Contains($"`{name}`", section, $"docs/api.md names the schema {name}");
            foreach (var (property, _) in SyscallSchemas.Find(name)!["properties"]!.AsObject())
            {
                Assert.Contains($"`{property}`", section, $"docs/api.md documents {name}.{property} (print the schemas with `dotnet AgentOS.Core.dll schemas`)");
            }
        }
    }

    private static void AssertInvalid(string name, string json, string expected)
    {
        var problems = JsonSchemaCheck.Validate(SyscallSchemas.Find(name)!, JsonNode.Parse(json));
        Assert.True(problems.Any(p => p.Contains(expected, StringComparison.Ordinal)), $"{name} {json}: {string.Join("; ", problems)}");
    }
}
