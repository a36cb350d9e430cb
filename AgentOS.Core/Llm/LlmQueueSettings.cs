using System.Globalization;
using AgentOS.Scheduling;
using AgentOS.Scheduling.Policies;

namespace AgentOS.Llm;

/// <summary>
/// The LLM queue's tunable settings: its policy and the policy's parameters, and the length estimator's skill bar.
/// The self-improving loop proposes, proves, applies and rolls back whole values of this record, so a rollback
/// restores every field exactly; operators pin fields by their <see cref="ParameterNames"/>.
/// </summary>
public sealed partial record LlmQueueSettings
{
    /// <summary>The default settings: <c>sjf</c> on learned lengths, no aging, skill threshold 0.2.</summary>
    public LlmQueueSettings()
    {
    }

    // What the JSON reader builds with: a member missing from the JSON keeps its default (the source-generated reader
    // would otherwise pass null and 0 for them: a stored change read back without a policy).
    [System.Text.Json.Serialization.JsonConstructor]
    internal LlmQueueSettings(string? policy = "sjf", double skillThreshold = 0.2)
    {
        Policy = policy ?? "sjf";
        SkillThreshold = skillThreshold;
    }

    /// <summary>The policies the LLM queue can run: the built-in ones and <c>gittins</c> (over learned length distributions).</summary>
    public static IReadOnlyList<string> PolicyNames { get; } = [.. SchedulingPolicies.Names, "gittins"];

    /// <summary>The parameter names operators pin: policy, service_quantum, quantum_ms, aging_rate, skill_threshold (and
    /// per backend <c>slots.NAME</c> and <c>weight.NAME</c>, see <see cref="BackendSlots"/> and <see cref="RoutingWeights"/>).</summary>
    public static IReadOnlyList<string> ParameterNames { get; } = ["policy", "service_quantum", "quantum_ms", "aging_rate", "skill_threshold"];

    /// <summary>The policy (see <see cref="PolicyNames"/>). Default <c>sjf</c> on learned lengths.</summary>
    public string Policy { get; init; } = "sjf";

    /// <summary>Tokens per run for <c>rr</c>, level 0's budget for <c>las</c>; <see langword="null"/> for the policy's default.</summary>
    public double? ServiceQuantum { get; init; }

    /// <summary>The time slice for <c>rr</c> (when no <see cref="ServiceQuantum"/>), the aging interval for <c>priority</c>.</summary>
    public TimeSpan? Quantum { get; init; }

    /// <summary>Tokens one second of waiting is worth under <c>sjf</c> and <c>gittins</c> (0: no aging).</summary>
    public double AgingRate { get; init; }

    /// <summary>The rank concordance the length estimator needs before <c>sjf</c> sorts on its estimates.</summary>
    public double SkillThreshold { get; init; } = 0.2;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A value is out of range or the policy is unknown.</exception>
    public void Validate()
    {
        if (!PolicyNames.Contains(Policy, StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Unknown LLM queue policy '{Policy}'. Use one of: {string.Join(", ", PolicyNames)}.", nameof(Policy));
        }
        if (ServiceQuantum is { } q && !(q > 0 && double.IsFinite(q)))
        {
            throw new ArgumentException($"service_quantum must be a positive number of tokens, not {q}.", nameof(ServiceQuantum));
        }
        if (Quantum is { } t && t <= TimeSpan.Zero)
        {
            throw new ArgumentException($"quantum_ms must be positive, not {t.TotalMilliseconds}.", nameof(Quantum));
        }
        if (!(AgingRate >= 0 && double.IsFinite(AgingRate)))
        {
            throw new ArgumentException($"aging_rate must be a finite number of tokens per second, zero or more, not {AgingRate}.", nameof(AgingRate));
        }
        if (!(SkillThreshold >= -1 && SkillThreshold <= 1))
        {
            throw new ArgumentException($"skill_threshold is a rank concordance in -1..1, not {SkillThreshold}.", nameof(SkillThreshold));
        }
        ValidateBackends();
    }

    /// <summary>A parameter's value as text ("" for the policy's default).</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="ParameterNames"/>.</exception>
    public string Get(string parameter) => parameter switch
    {
        "policy" => Policy,
        "service_quantum" => ServiceQuantum?.ToString("R", CultureInfo.InvariantCulture) ?? "",
        "quantum_ms" => Quantum?.TotalMilliseconds.ToString("R", CultureInfo.InvariantCulture) ?? "",
        "aging_rate" => AgingRate.ToString("R", CultureInfo.InvariantCulture),
        "skill_threshold" => SkillThreshold.ToString("R", CultureInfo.InvariantCulture),
        _ => GetBackendParameter(parameter) ?? throw UnknownParameter(parameter),
    };

    /// <summary>These settings with one parameter set from text ("" restores the policy's default where it has one).</summary>
    /// <exception cref="ArgumentException">The name is unknown or the value does not parse.</exception>
    public LlmQueueSettings With(string parameter, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var next = parameter switch
        {
            "policy" => this with { Policy = value.ToLowerInvariant() },
            "service_quantum" => this with { ServiceQuantum = value.Length == 0 ? null : Number(parameter, value) },
            "quantum_ms" => this with { Quantum = value.Length == 0 ? null : TimeSpan.FromMilliseconds(Number(parameter, value)) },
            "aging_rate" => this with { AgingRate = Number(parameter, value) },
            "skill_threshold" => this with { SkillThreshold = Number(parameter, value) },
            _ => WithBackendParameter(parameter, value) ?? throw UnknownParameter(parameter),
        };
        next.Validate();
        return next;
    }

    /// <summary>Builds the policy these settings describe.</summary>
    /// <param name="estimator">Point estimates for <c>sjf</c> and <c>wfq</c>.</param>
    /// <param name="lengths">Learned length distributions for <c>gittins</c>.</param>
    /// <param name="firstStepCost">An item's prefill in output-token time (skip-join for <c>las</c>, fixed cost for <c>gittins</c>), if known.</param>
    public ISchedulingPolicy<T> CreatePolicy<T>(ICostEstimator<T> estimator, LengthDistributions<T> lengths, Func<T, double>? firstStepCost = null)
        where T : class, ISchedulable
    {
        ArgumentNullException.ThrowIfNull(estimator);
        ArgumentNullException.ThrowIfNull(lengths);
        Validate();
        return Policy.ToUpperInvariant() switch
        {
            "GITTINS" => new GittinsPolicy<T>(lengths.For, AgingRate, firstStepCost),
            "SJF" => new ShortestJobFirstPolicy<T>(estimator, AgingRate),
            "LAS" => new LeastAttainedServicePolicy<T>(ServiceQuantum ?? 16, firstStepCost: firstStepCost),
            _ => SchedulingPolicies.Create(Policy, Quantum, ServiceQuantum, estimator),
        };
    }

    /// <summary>A one-line description: the policy and the parameters it uses.</summary>
    public override string ToString()
    {
        var text = Policy;
        if (ServiceQuantum is { } q && Policy is "rr" or "las")
        {
            text += string.Create(CultureInfo.InvariantCulture, $" quantum={q}");
        }
        if (Quantum is { } t && Policy is "rr" or "priority")
        {
            text += string.Create(CultureInfo.InvariantCulture, $" quantum_ms={t.TotalMilliseconds}");
        }
        if (AgingRate > 0 && Policy is "sjf" or "gittins")
        {
            text += string.Create(CultureInfo.InvariantCulture, $" aging={AgingRate}");
        }
        if (Policy == "sjf")
        {
            text += string.Create(CultureInfo.InvariantCulture, $" skill={SkillThreshold}");
        }
        return text + BackendsText();
    }

    private static double Number(string parameter, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number)
            ? number
            : throw new ArgumentException($"{parameter} takes a number, not '{value}'.", nameof(value));

    private static ArgumentException UnknownParameter(string parameter) =>
        new($"Unknown LLM queue parameter '{parameter}'. Use one of: {string.Join(", ", ParameterNames)}, slots.BACKEND, weight.BACKEND.", nameof(parameter));
}
