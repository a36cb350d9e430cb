using System.Net;
using System.Runtime.InteropServices;
using AgentOS.Llm;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Hosting;

/// <summary>
/// POST /v1/embeddings over real HTTP: routed to a backend that declares embeddings (here the echo backend's
/// deterministic hashed-trigram vectors), as floats or base64, checked and charged by the access manager.
/// </summary>
public sealed class OpenAiEmbeddingsTests : OpenAiSurfaceFixture
{
    [Test]
    public async Task TextsAreEmbeddedInOrderAsTheBackendsUnitVectors()
    {
        await StartAsync();
        var list = await OkAsync("v1/embeddings", """{"model": "echo", "input": ["the cat sat on the mat", "a cat sat on a mat", "quarterly revenue report"]}""");
        Assert.Equal("list", list.GetProperty("object").GetString());
        Assert.Equal("echo", list.GetProperty("model").GetString());
        var data = list.GetProperty("data").EnumerateArray().ToList();
        Assert.SequenceEqual([0, 1, 2], data.Select(d => d.GetProperty("index").GetInt32()));
        Assert.True(data.All(d => d.GetProperty("object").GetString() == "embedding"));
        var vectors = data.Select(d => d.GetProperty("embedding").EnumerateArray().Select(x => x.GetSingle()).ToArray()).ToList();
        var expected = await new EchoLlmBackend().EmbedAsync(["the cat sat on the mat", "a cat sat on a mat", "quarterly revenue report"]);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(EchoLlmBackend.EmbeddingDimensions, vectors[i].Length);
            Assert.SequenceEqual(expected.Vectors[i], vectors[i]);
            Assert.True(Math.Abs(Dot(vectors[i], vectors[i]) - 1) < 1e-4, "a unit vector");
        }
        Assert.True(Dot(vectors[0], vectors[1]) > Dot(vectors[0], vectors[2]) + 0.3, "texts that share words are nearer");
        Assert.Equal(15, list.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Test]
    public async Task Base64IsTheFloatsLittleEndian()
    {
        await StartAsync();
        var floats = await OkAsync("v1/embeddings", """{"model": "echo", "input": "hello world", "encoding_format": "float"}""");
        var packed = await OkAsync("v1/embeddings", """{"model": "echo", "input": "hello world", "encoding_format": "base64"}""");
        var bytes = Convert.FromBase64String(packed.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        Assert.SequenceEqual(floats.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(x => x.GetSingle()), MemoryMarshal.Cast<byte, float>(bytes).ToArray());
    }

    [Test]
    public async Task RefusalsAndBadInputAreTypedAndTheBudgetCounts()
    {
        await StartAsync();
        await AssertErrorAsync("v1/embeddings", """{"model": "echo", "input": [1, 2, 3]}""", HttpStatusCode.BadRequest, "invalid_request");
        await AssertErrorAsync("v1/embeddings", """{"model": "echo", "input": []}""", HttpStatusCode.BadRequest, "invalid_request");
        await AssertErrorAsync("v1/embeddings", """{"input": "hi"}""", HttpStatusCode.BadRequest, "invalid_request");
        await AssertErrorAsync("v1/embeddings", """{"model": "echo", "input": "hi", "encoding_format": "int8"}""", HttpStatusCode.BadRequest, "invalid_request");
        await AssertErrorAsync("v1/embeddings", """{"model": "echo", "input": "hi", "dimensions": 12}""", HttpStatusCode.BadRequest, "invalid_request");
        await AssertErrorAsync("v1/embeddings", """{"model": "text-embedding-nothing", "input": "hi"}""", HttpStatusCode.BadRequest, "not_supported");
        As("sk-bob");
        await AssertErrorAsync("v1/embeddings", """{"model": "echo", "input": "hi"}""", HttpStatusCode.Forbidden, "permission_denied");
        var audit = AgentOS.Access.AuditLog.ReadFile(Kernel.AuditLogPath);
        Assert.True(audit.Any(r => r.Agent == "bob" && r.Decision == AgentOS.Access.AuditDecision.Denied && r.Target == "echo"), "the refusal is audited");
        As("sk-carol");
        for (int i = 0; i < 3; i++)
        {
            await OkAsync("v1/embeddings", """{"model": "echo", "input": "hi"}""");
        }
        await AssertErrorAsync("v1/embeddings", """{"model": "echo", "input": "hi"}""", HttpStatusCode.TooManyRequests, "budget_exceeded");
    }

    private static float Dot(float[] a, float[] b) => a.Zip(b, (x, y) => x * y).Sum();
}
