using System.Runtime.InteropServices;
using System.Text.Json;
using AgentOS.Access;
using AgentOS.Hosting.Http.Transport;
using AgentOS.Hosting.OpenAi;
using AgentOS.Llm;
using AgentOS.Llm.Http;
using AgentOS.Syscalls.Errors;
using AgentOS.Serialization;
using AgentOS.Syscalls;

namespace AgentOS.Hosting.Http;

// POST /v1/embeddings: routed to a backend that declares embeddings (the model names one, by its name or a model it
// serves) and that the agent may use. Like a generation it is checked by the access manager (the agent's grant on that
// backend, its concurrency and token budget, the audit of a refusal) and charged the tokens the backend counted.
public sealed partial class KernelHttpServer
{
    // The most texts one request may embed, as OpenAI's API allows.
    private const int MaxEmbeddingInputs = 2048;

    private async Task EmbedAsync(HttpServerRequest request, HttpServerResponse response, string agent)
    {
        var body = await ReadAsync(request, AgentOSJsonContext.Default.EmbeddingsRequest).ConfigureAwait(false);
        if (string.IsNullOrEmpty(body.Model))
        {
            throw new HttpError(400, "invalid_request", "'model' is required: GET /v1/models lists the kernel's backends; one that declares embeddings answers.");
        }
        var inputs = EmbeddingInputs(body.Input);
        bool base64 = body.EncodingFormat switch
        {
            null or "float" => false,
            "base64" => true,
            _ => throw new HttpError(400, "invalid_request", "'encoding_format' must be \"float\" or \"base64\"."),
        };
        // A backend the agent may not use is still found, so that the access manager refuses it (and audits that).
        ILlmBackend backend;
        try
        {
            backend = _kernel.Llm.RouteEmbeddings(body.Model, agent);
        }
        catch (CapabilityNotSupportedException)
        {
            backend = _kernel.Llm.RouteEmbeddings(body.Model);
        }
        // A request that names the backend itself gets its default embedding model; one naming a model asks for it.
        string? model = body.Model == backend.Name ? null : body.Model;
        int estimate = inputs.Sum(text => text.Length / 4 + 1);
        var access = new AccessRequest(agent, ResourceKind.Llm, AccessOperation.Generate, backend.Name, estimate);
        var decision = await Access.AuthorizeAsync(access).ConfigureAwait(false);
        if (!decision.Allowed)
        {
            throw SyscallRouter.Denied(decision, access);
        }
        LlmEmbeddings embeddings;
        try
        {
            embeddings = await backend.EmbedAsync(inputs, model).ConfigureAwait(false);
        }
        catch
        {
            Access.Complete(in access, 0);
            throw;
        }
        Access.Complete(in access, embeddings.PromptTokens);
        if (body.Dimensions is { } dimensions && embeddings.Vectors.Any(v => v.Length != dimensions))
        {
            throw new HttpError(400, "invalid_request", $"'dimensions' {dimensions} is not what '{body.Model}' makes ({embeddings.Vectors[0].Length}); leave it out, or ask a model that shortens its vectors.");
        }
        var list = new EmbeddingList
        {
            Model = body.Model,
            Usage = new OpenAiUsage { PromptTokens = embeddings.PromptTokens, TotalTokens = embeddings.PromptTokens },
        };
        for (int i = 0; i < embeddings.Vectors.Count; i++)
        {
            var vector = embeddings.Vectors[i];
            list.Data.Add(new EmbeddingData
            {
                Index = i,
                Embedding = base64
                    ? JsonSerializer.SerializeToElement(Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan())), AgentOSJsonContext.Default.String)
                    : JsonSerializer.SerializeToElement(vector, AgentOSJsonContext.Default.SingleArray),
            });
        }
        await WriteAsync(response, 200, list, AgentOSJsonContext.Default.EmbeddingList).ConfigureAwait(false);
    }

    private static List<string> EmbeddingInputs(JsonElement input)
    {
        switch (input.ValueKind)
        {
            case JsonValueKind.String:
                return [input.GetString()!];
            case JsonValueKind.Array when input.GetArrayLength() is > 0 and <= MaxEmbeddingInputs && input.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String):
                return [.. input.EnumerateArray().Select(e => e.GetString()!)];
            default:
                throw new HttpError(400, "invalid_request", $"'input' must be a string or an array of 1 to {MaxEmbeddingInputs} strings (token arrays are not taken: send the text).");
        }
    }
}
