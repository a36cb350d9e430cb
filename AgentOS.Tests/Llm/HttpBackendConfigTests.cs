using AgentOS.Kernel;
using AgentOS.Llm.Http;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Llm;

/// <summary>The openai and anthropic backend types in the kernel's JSON config.</summary>
public sealed class HttpBackendConfigTests
{
    [Test]
    public void TheConfigDescribesHttpBackendsTheirModelsAndLimits()
    {
        var config = KernelConfig.Parse("""
            { "llm_backends": [
                { "type": "openai", "name": "local", "base_url": "http://127.0.0.1:11434/v1", "models": ["llama3.1", "qwen2.5"],
                  "embedding_model": "nomic-embed-text", "slots": 3, "requests_per_minute": 60, "tokens_per_minute": 90000,
                  "continue_final_message": true, "max_context_tokens": 8192, "timeout_seconds": 30 },
                { "type": "anthropic", "models": ["claude-sonnet-4-5"], "api_key_env": "MY_ANTHROPIC_KEY", "slots": 2 },
              ] }
            """);
        var options = config.ToOptions();
        var local = (OpenAiBackend)options.LlmBackends![0];
        Assert.Equal("local", local.Name);
        Assert.Equal(3, local.Slots);
        Assert.SequenceEqual(["llama3.1", "qwen2.5"], local.Models);
        Assert.Equal("http://127.0.0.1:11434/v1/", local.BaseUri.AbsoluteUri);
        Assert.True(local.Capabilities.Embeddings && local.Capabilities.Continuation);
        Assert.Equal(8192, local.Capabilities.MaxContextTokens);
        var claude = (AnthropicBackend)options.LlmBackends[1];
        Assert.Equal("anthropic", claude.Name);
        Assert.False(claude.Capabilities.Embeddings);
        Assert.Equal(60, options.LlmRateLimits!["local"].RequestsPerMinute);
        Assert.Equal(90000, options.LlmRateLimits["local"].TokensPerMinute);
        Assert.False(options.LlmRateLimits.ContainsKey("anthropic"));
    }

    [Test]
    public void BadHttpBackendSettingsAreClearErrors()
    {
        var noModels = Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("""{ "llm_backends": [ { "type": "openai" } ] }"""));
        Assert.Contains("needs models", noModels.Message);
        var badUrl = Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("""{ "llm_backends": [ { "type": "anthropic", "models": ["m"], "base_url": "ftp://x" } ] }"""));
        Assert.Contains("not an http(s) URL", badUrl.Message);
        var badLimit = Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("""{ "llm_backends": [ { "type": "echo", "tokens_per_minute": 0 } ] }"""));
        Assert.Contains("tokens_per_minute", badLimit.Message);
        var unknown = Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("""{ "llm_backends": [ { "type": "gemini" } ] }"""));
        Assert.Contains("available: echo, embedded, openai, anthropic", unknown.Message);
    }

    [Test]
    public async Task AKernelFromConfigCallsTheServerWithTheKeyFromTheNamedVariable()
    {
        await using var server = new ScriptedHttpServer((_, x) => x.RespondAsync(200, """{"choices":[{"index":0,"message":{"role":"assistant","content":"hello from the server"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":4}}"""));
        using var data = new TempDirectory("agentos-http-config");
        string variable = "AGENTOS_FAKE_KEY_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "sk-config");
        KernelOptions options;
        try
        {
            options = KernelConfig.Parse($$"""
                { "data_directory": "{{data.Path.Replace("\\", "\\\\", StringComparison.Ordinal)}}",
                  "llm_backends": [ { "type": "openai", "base_url": "{{server.Url}}v1", "api_key_env": "{{variable}}", "models": ["gpt-4o-mini"] } ] }
                """).ToOptions();
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
        await using var kernel = AgentKernel.Start(options);
        kernel.RegisterIdentity("alice");
        var response = await kernel.Port.SubmitAsync(new SyscallRequest { AgentId = "alice", Llm = new LlmQuery { Messages = [ChatMessage.User("hi")], Backend = "gpt-4o-mini" } });
        Assert.Equal("hello from the server", response.Llm!.Content);
        Assert.Equal(4, response.Llm.CompletionTokens);
        Assert.True(server.Requests.TryDequeue(out var sent));
        Assert.Equal("Bearer sk-config", sent!.Header("Authorization"));
    }
}
