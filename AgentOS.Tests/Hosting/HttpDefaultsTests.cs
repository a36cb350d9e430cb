using System.Text;
using System.Text.Json;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Hosting;

/// <summary>
/// The documented defaults (docs/api.md) hold over HTTP exactly as in process: a query that leaves a member out gets
/// the same answer from <c>POST /v1/syscalls</c> as from the kernel's port. And every endpoint counts tokens alike.
/// </summary>
public sealed class HttpDefaultsTests
{
    // 300 words: more than the default max_tokens (256), so the echo backend's answer shows the limit it was given.
    private static readonly string LongPrompt = string.Join(' ', Enumerable.Range(0, 300).Select(i => "w" + i));

    [Test(TimeoutSeconds = 120)]
    public async Task AnLlmQueryWithoutSettingsGetsTheDocumentedDefaultsOverHttpAndInProcess()
    {
        await using var fuzz = await FuzzServer.StartAsync();
        var local = (await fuzz.Kernel.Port.SubmitAsync(new SyscallRequest { AgentId = "alice", Llm = new LlmQuery { Messages = [ChatMessage.User(LongPrompt)] } })).Llm!;
        var remote = await SyscallAsync(fuzz, $$$"""{"agent_id": "alice", "llm": {"messages": [{"role": "user", "content": "{{{LongPrompt}}}"}]}}""");
        var llm = remote.GetProperty("llm");
        // max_tokens 256: the answer is cut there. temperature 0, json_output false: plain text.
        Assert.Equal(256, local.CompletionTokens);
        Assert.Equal(local.CompletionTokens, llm.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(local.PromptTokens, llm.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal("length", llm.GetProperty("finish_reason").GetString());
        Assert.Equal(local.Content, llm.GetProperty("content").GetString());
        Assert.Equal(string.Join(' ', Enumerable.Range(0, 256).Select(i => "w" + i)), local.Content);
        // backend: the first configured one.
        Assert.Equal("echo", llm.GetProperty("backend").GetString());
    }

    [Test(TimeoutSeconds = 120)]
    public async Task AMemorySearchWithoutSettingsGetsTheDocumentedDefaultsOverHttpAndInProcess()
    {
        await using var fuzz = await FuzzServer.StartAsync();
        for (int i = 0; i < 12; i++)
        {
            await fuzz.AddMemoryAsync($"tea number {i}");
        }
        var local = (await fuzz.Kernel.Port.SubmitAsync(new SyscallRequest { AgentId = "alice", Memory = new MemoryQuery { Operation = MemoryOperation.Search, Text = "tea" } })).Memory!;
        var remote = (await SyscallAsync(fuzz, """{"agent_id": "alice", "memory": {"operation": "search", "text": "tea"}}""")).GetProperty("memory");
        // limit 10; owner: the caller; mode auto (lexical without an embedder).
        Assert.Equal(10, local.Items.Count);
        Assert.SequenceEqual(local.Items.Select(i => i.Id), remote.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
        Assert.Equal(local.Retrieval, remote.GetProperty("retrieval").GetString());
        Assert.Contains("lexical", local.Retrieval);
    }

    [Test(TimeoutSeconds = 120)]
    public async Task AStorageReadWithoutAVersionReadsTheCurrentOneOverHttpAndInProcess()
    {
        await using var fuzz = await FuzzServer.StartAsync();
        var local = (await fuzz.Kernel.Port.SubmitAsync(new SyscallRequest { AgentId = "alice", Storage = new StorageQuery { Operation = StorageOperation.Read, Path = "agents/alice/notes.txt" } })).Storage!;
        var remote = (await SyscallAsync(fuzz, """{"agent_id": "alice", "storage": {"operation": "read", "path": "agents/alice/notes.txt"}}""")).GetProperty("storage");
        Assert.Equal(2, local.Version);
        Assert.Equal(local.Version, remote.GetProperty("version").GetInt32());
        Assert.Equal("second", Encoding.UTF8.GetString(remote.GetProperty("data").GetBytesFromBase64()));
    }

    [Test(TimeoutSeconds = 120)]
    public async Task EveryEndpointCountsTheSameTokens()
    {
        await using var fuzz = await FuzzServer.StartAsync();
        const string Prompt = "one two three four five";
        var local = (await fuzz.Kernel.Port.SubmitAsync(new SyscallRequest { AgentId = "alice", Llm = new LlmQuery { Messages = [ChatMessage.User(Prompt)], MaxTokens = 3 } })).Llm!;
        Assert.Equal(5, local.PromptTokens);
        Assert.Equal(3, local.CompletionTokens);
        Assert.Equal("one two three", local.Content);

        var native = (await SyscallAsync(fuzz, $$$"""{"agent_id": "alice", "llm": {"messages": [{"role": "user", "content": "{{{Prompt}}}"}], "max_tokens": 3}}""")).GetProperty("llm");
        Assert.Equal("5/3", $"{native.GetProperty("prompt_tokens").GetInt32()}/{native.GetProperty("completion_tokens").GetInt32()}");

        var (status, streamed) = await HttpRefusalTests.PostAsync(fuzz, "v1/syscalls?stream=true", $$$"""{"agent_id": "alice", "llm": {"messages": [{"role": "user", "content": "{{{Prompt}}}"}], "max_tokens": 3}}""");
        Assert.Equal(200, status, streamed);
        using (var final = JsonDocument.Parse(Data(streamed, "event: response").Single()))
        {
            var llm = final.RootElement.GetProperty("llm");
            Assert.Equal("5/3", $"{llm.GetProperty("prompt_tokens").GetInt32()}/{llm.GetProperty("completion_tokens").GetInt32()}");
        }

        var (chat, completion) = await HttpRefusalTests.PostAsync(fuzz, "v1/chat/completions", $$$"""{"model": "echo", "messages": [{"role": "user", "content": "{{{Prompt}}}"}], "max_tokens": 3}""");
        Assert.Equal(200, chat, completion);
        using (var json = JsonDocument.Parse(completion))
        {
            var usage = json.RootElement.GetProperty("usage");
            Assert.Equal("5/3", $"{usage.GetProperty("prompt_tokens").GetInt32()}/{usage.GetProperty("completion_tokens").GetInt32()}");
            Assert.Equal("length", json.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        }

        var (chunked, chunks) = await HttpRefusalTests.PostAsync(fuzz, "v1/chat/completions", $$$"""{"model": "echo", "messages": [{"role": "user", "content": "{{{Prompt}}}"}], "max_tokens": 3, "stream": true, "stream_options": {"include_usage": true}}""");
        Assert.Equal(200, chunked, chunks);
        using (var last = JsonDocument.Parse(Data(chunks, "data: ").Where(d => d != "[DONE]").Last()))
        {
            var usage = last.RootElement.GetProperty("usage");
            Assert.Equal("5/3", $"{usage.GetProperty("prompt_tokens").GetInt32()}/{usage.GetProperty("completion_tokens").GetInt32()}");
        }
    }

    // The data lines of the server-sent events that follow `marker` (an event line, or "data: " for every event).
    private static IEnumerable<string> Data(string sse, string marker)
    {
        foreach (string block in sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = block.Split('\n');
            if (marker == "data: " || lines.Contains(marker))
            {
                foreach (string line in lines.Where(l => l.StartsWith("data: ", StringComparison.Ordinal)))
                {
                    yield return line["data: ".Length..];
                }
            }
        }
    }

    private static async Task<JsonElement> SyscallAsync(FuzzServer fuzz, string json)
    {
        var (status, body) = await HttpRefusalTests.PostAsync(fuzz, "v1/syscalls", json);
        Assert.Equal(200, status, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
