using System.Text.Json;
using AgentOS.Llm.Http;

namespace AgentOS.Hosting.OpenAi;

// The response of POST /v1/embeddings (object "list" of objects "embedding").
internal sealed class EmbeddingList
{
    public string Object { get; set; } = "list";

    public List<EmbeddingData> Data { get; set; } = [];

    public required string Model { get; set; }

    public required OpenAiUsage Usage { get; set; }
}

internal sealed class EmbeddingData
{
    public string Object { get; set; } = "embedding";

    public int Index { get; set; }

    // An array of numbers, or a base64 string of little-endian float32 when the request asked for base64.
    public JsonElement Embedding { get; set; }
}
