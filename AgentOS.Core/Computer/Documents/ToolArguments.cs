using System.Text.Json;
using AgentOS.Syscalls.Errors;

namespace AgentOS.Computer.Documents;

/// <summary>Reads a tool call's arguments object, with errors that name the argument and what it must be.</summary>
internal static class ToolArguments
{
    public static string String(JsonElement args, string name) =>
        OptionalString(args, name) ?? throw new InvalidRequestException($"Argument '{name}' is required (a string).");

    public static string? OptionalString(JsonElement args, string name) => Get(args, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        _ => throw new InvalidRequestException($"Argument '{name}' must be a string."),
    };

    public static long? Integer(JsonElement args, string name, long min = long.MinValue) => Get(args, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } value when value.TryGetInt64(out long n) && n >= min => n,
        _ => throw new InvalidRequestException($"Argument '{name}' must be an integer of at least {min}."),
    };

    public static bool Boolean(JsonElement args, string name, bool fallback) => Get(args, name) switch
    {
        null => fallback,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => throw new InvalidRequestException($"Argument '{name}' must be true or false."),
    };

    private static JsonElement? Get(JsonElement args, string name)
    {
        if (args.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidRequestException("The arguments must be a JSON object.");
        }
        return args.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
    }
}
