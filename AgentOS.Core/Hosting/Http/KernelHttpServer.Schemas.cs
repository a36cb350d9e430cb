using System.Text;
using System.Text.Json;
using AgentOS.Hosting.Http.Transport;

namespace AgentOS.Hosting.Http;

/// <content>GET /v1/schemas and /v1/schemas/{name}: the syscall bodies as JSON Schema.</content>
public sealed partial class KernelHttpServer
{
    private static readonly JsonSerializerOptions IndentedSchema = new() { WriteIndented = true };

    private static async Task WriteSchemaAsync(HttpServerResponse response, string[] names)
    {
        var schema = names switch
        {
            [] => SyscallSchemas.All(),
            [var name] => SyscallSchemas.Find(name)
                ?? throw new HttpError(404, "not_found", $"No schema '{name}'. Schemas: {string.Join(", ", SyscallSchemas.Names)} (all at GET /v1/schemas)."),
            _ => throw new HttpError(404, "not_found", "Schemas are at GET /v1/schemas and GET /v1/schemas/{name}."),
        };
        var bytes = Encoding.UTF8.GetBytes(schema.ToJsonString(IndentedSchema));
        response.StatusCode = 200;
        response.ContentType = "application/schema+json; charset=utf-8";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
    }
}
