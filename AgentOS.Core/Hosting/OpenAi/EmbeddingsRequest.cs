using System.Text.Json;

namespace AgentOS.Hosting.OpenAi;

// The request body of POST /v1/embeddings, as OpenAI's API reference defines it: input is one string or an array of
// strings (token arrays are not taken: the kernel's backends embed text); encoding_format "float" (the default) or
// "base64" (little-endian float32, what OpenAI's own clients ask for by default). Unknown fields are ignored.
internal sealed class EmbeddingsRequest
{
    public string? Model { get; set; }

    public JsonElement Input { get; set; }

    public string? EncodingFormat { get; set; }

    public int? Dimensions { get; set; }

    public string? User { get; set; }

    public Dictionary<string, string>? Metadata { get; set; }
}
