using System.Text.Json.Serialization;

namespace AgentOS.Evolution;

/// <summary>
/// The self-improving loop in the kernel config (<c>"evolution"</c>; snake_case keys, every one optional): whether
/// <c>serve</c> starts it, the operator's pins, and the loop's main counts. Absent keys keep
/// <see cref="EvolutionOptions"/>' defaults.
/// </summary>
/// <example><code>
/// "evolution": { "enabled": true, "pins": { "policy": "gittins", "aging_rate": "2" }, "window": 2000 }
/// </code></example>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class EvolutionConfig
{
    /// <summary>Whether <c>serve</c> starts the loop (default true when the object is present).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Parameters the loop must not change, and their values (see <see cref="Llm.LlmQueueSettings.ParameterNames"/>).</summary>
    public Dictionary<string, string>? Pins { get; set; }

    /// <summary>See <see cref="EvolutionOptions.Window"/>.</summary>
    public int? Window { get; set; }

    /// <summary>See <see cref="EvolutionOptions.EvaluateEvery"/>.</summary>
    public int? EvaluateEvery { get; set; }

    /// <summary>See <see cref="EvolutionOptions.WatchCalls"/>.</summary>
    public int? WatchCalls { get; set; }

    /// <summary>See <see cref="EvolutionOptions.Tolerance"/>.</summary>
    public double? Tolerance { get; set; }

    /// <summary>See <see cref="EvolutionOptions.TailLimit"/>.</summary>
    public double? TailLimit { get; set; }

    /// <summary>The loop's options, replaying <paramref name="slots"/> execution slots (the LLM backends' total).</summary>
    public EvolutionOptions ToOptions(int slots)
    {
        var defaults = new EvolutionOptions();
        return defaults with
        {
            Slots = Math.Max(1, slots),
            Pins = Pins,
            Window = Window ?? defaults.Window,
            EvaluateEvery = EvaluateEvery ?? defaults.EvaluateEvery,
            WatchCalls = WatchCalls ?? defaults.WatchCalls,
            Tolerance = Tolerance ?? defaults.Tolerance,
            TailLimit = TailLimit ?? defaults.TailLimit,
        };
    }

    /// <summary>Checks every value (the pins against the parameters they name).</summary>
    /// <exception cref="ArgumentException">A value is out of range or a pin names an unknown parameter or value; the
    /// message names it.</exception>
    public void Validate()
    {
        try
        {
            ToOptions(1).Validate();
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"evolution: {ex.Message}", ex);
        }
    }
}
