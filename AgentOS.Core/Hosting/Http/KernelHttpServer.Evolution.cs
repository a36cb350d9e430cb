using AgentOS.Access;
using AgentOS.Hosting.Http.Transport;
using AgentOS.Serialization;

namespace AgentOS.Hosting.Http;

/// <summary><c>PUT /v1/evolution/pins/{parameter}</c>: the value to pin the parameter to.</summary>
public sealed record EvolutionPinRequest(string Value);

// The self-improving loop's operator face: its status (monitor), and pinning and unpinning its parameters (admin).
// A refusal (no grant, an unknown parameter or value) changes nothing; every pin is a versioned change of the loop
// (stored, audited as the loop's, evented) and the operator's act is audited before the answer.
public sealed partial class KernelHttpServer
{
    private static bool IsEvolutionPath(string[] segments) => segments is ["v1", "evolution"] or ["v1", "evolution", "pins", _];

    private async Task RouteEvolutionAsync(Principal caller, HttpServerRequest request, HttpServerResponse response, string[] segments)
    {
        switch (request.HttpMethod, segments)
        {
            case ("GET", ["v1", "evolution"]):
                RequireMonitor(caller, "see the self-improving loop");
                await WriteEvolutionStatusAsync(response).ConfigureAwait(false);
                return;
            case ("PUT", ["v1", "evolution", "pins", var parameter]):
                await PinAsync(caller, request, response, Uri.UnescapeDataString(parameter)).ConfigureAwait(false);
                return;
            case ("DELETE", ["v1", "evolution", "pins", var parameter]):
                await UnpinAsync(caller, response, Uri.UnescapeDataString(parameter)).ConfigureAwait(false);
                return;
            default:
                throw new HttpError(405, "method_not_allowed", $"{request.HttpMethod} is not allowed on {request.Url?.AbsolutePath}: GET /v1/evolution, PUT /v1/evolution/pins/{{parameter}}, DELETE /v1/evolution/pins/{{parameter}}.");
        }
    }

    private async Task PinAsync(Principal caller, HttpServerRequest request, HttpServerResponse response, string parameter)
    {
        RequireOperator(caller, "pin a parameter of the self-improving loop");
        var body = await ReadAsync(request, AgentOSJsonContext.Default.EvolutionPinRequest).ConfigureAwait(false);
        var loop = RunningLoop();
        if (body.Value is null)
        {
            throw new HttpError(400, "invalid_request", "The body needs a value: {\"value\": \"...\"} (\"\" restores the policy's default where it has one).");
        }
        try
        {
            loop.Pin(parameter, body.Value);
        }
        catch (ArgumentException ex)
        {
            throw new HttpError(400, "invalid_request", ex.Message);
        }
        await AuditOperationAsync(caller, ResourceKind.Llm, AccessOperation.Write, $"evolution/pins/{parameter}", $"pinned {parameter}={body.Value}").ConfigureAwait(false);
        await WriteEvolutionStatusAsync(response).ConfigureAwait(false);
    }

    private async Task UnpinAsync(Principal caller, HttpServerResponse response, string parameter)
    {
        RequireOperator(caller, "unpin a parameter of the self-improving loop");
        var loop = RunningLoop();
        if (!loop.Unpin(parameter))
        {
            throw new HttpError(404, "not_found", $"'{AgentOS.Storage.StorageKey.Escape(parameter)}' is not pinned (GET /v1/evolution lists the pins).");
        }
        await AuditOperationAsync(caller, ResourceKind.Llm, AccessOperation.Write, $"evolution/pins/{parameter}", $"unpinned {parameter}").ConfigureAwait(false);
        await WriteEvolutionStatusAsync(response).ConfigureAwait(false);
    }

    private AgentOS.Evolution.EvolutionLoop RunningLoop() =>
        _kernel.Evolution ?? throw new HttpError(404, "not_found", "The self-improving loop is off in this kernel: start serve with --evolve, or set \"evolution\": {\"enabled\": true} in the config.");

    private Task WriteEvolutionStatusAsync(HttpServerResponse response)
    {
        var status = _kernel.EvolutionStatus ?? throw new HttpError(404, "not_found", "The self-improving loop is off in this kernel: start serve with --evolve, or set \"evolution\": {\"enabled\": true} in the config.");
        return WriteAsync(response, 200, status, AgentOSJsonContext.Default.EvolutionStatus);
    }
}
