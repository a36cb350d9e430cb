using System.Globalization;
using System.Text.Json;

namespace AgentOS.Tools;

/// <summary>Small tools every kernel can offer: arithmetic and the kernel's clock. Real, deterministic, side-effect free.</summary>
public static class BuiltInTools
{
    /// <summary>Registers <c>math.add</c>, <c>math.multiply</c> and <c>clock.now</c>.</summary>
    public static ToolRegistry AddBuiltIns(this ToolRegistry registry, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var clock = time ?? TimeProvider.System;
        const string TwoNumbers = """{"type":"object","properties":{"a":{"type":"number"},"b":{"type":"number"}},"required":["a","b"]}""";
        registry.Register("math.add", "Adds two numbers a and b.", TwoNumbers, (args, _) => ValueTask.FromResult(Format(Number(args, "a") + Number(args, "b"))), maxConcurrency: 64);
        registry.Register("math.multiply", "Multiplies two numbers a and b.", TwoNumbers, (args, _) => ValueTask.FromResult(Format(Number(args, "a") * Number(args, "b"))), maxConcurrency: 64);
        registry.Register("clock.now", "The kernel's current time (UTC, ISO 8601).", """{"type":"object","properties":{}}""",
            (_, _) => ValueTask.FromResult(clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)), maxConcurrency: 64);
        return registry;
    }

    private static double Number(JsonElement args, string name) =>
        args.ValueKind == JsonValueKind.Object && args.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : throw new ArgumentException($"Argument '{name}' must be a number.");

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
