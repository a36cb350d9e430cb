using System.Globalization;

namespace AgentOS.Llm;

// The settings' per-backend part: how many of a backend's slots the queue uses, and how calls that name no backend
// are spread over the backends. Both are maps, so the record's equality is written out: two values are equal when
// every field and every entry are (a rollback compares, and restores, whole values).
public sealed partial record LlmQueueSettings
{
    private const string SlotsPrefix = "slots.";
    private const string WeightPrefix = "weight.";

    /// <summary>Slots in use per backend, each from 1 to the backend's declared slots; a backend not listed uses all
    /// of its declared slots. <see langword="null"/> (the default): every backend uses its declared slots.</summary>
    public IReadOnlyDictionary<string, int>? BackendSlots { get; init; }

    /// <summary>Routing weights of the backends for calls that name no backend or model: such a call goes to a
    /// qualifying backend with a weight above zero, in proportion to the weights (smooth weighted round robin); when
    /// none of those can take it, to the first qualifying backend, as configured. <see langword="null"/> (the default):
    /// always as configured.</summary>
    public IReadOnlyDictionary<string, double>? RoutingWeights { get; init; }

    /// <summary>Every parameter by name and value: the five named ones and, per backend listed, <c>slots.NAME</c> and
    /// <c>weight.NAME</c>.</summary>
    public IReadOnlyDictionary<string, string> Parameters()
    {
        var parameters = ParameterNames.ToDictionary(n => n, Get, StringComparer.Ordinal);
        foreach (var (backend, slots) in BackendSlots ?? new Dictionary<string, int>())
        {
            parameters[SlotsPrefix + backend] = slots.ToString(CultureInfo.InvariantCulture);
        }
        foreach (var (backend, weight) in RoutingWeights ?? new Dictionary<string, double>())
        {
            parameters[WeightPrefix + backend] = weight.ToString("R", CultureInfo.InvariantCulture);
        }
        return parameters;
    }

    /// <inheritdoc />
    public bool Equals(LlmQueueSettings? other) =>
        other is not null && Policy == other.Policy && ServiceQuantum == other.ServiceQuantum && Quantum == other.Quantum
        && AgingRate.Equals(other.AgingRate) && SkillThreshold.Equals(other.SkillThreshold)
        && SameEntries(BackendSlots, other.BackendSlots) && SameEntries(RoutingWeights, other.RoutingWeights);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Policy);
        hash.Add(ServiceQuantum);
        hash.Add(Quantum);
        hash.Add(AgingRate);
        hash.Add(SkillThreshold);
        foreach (var (backend, slots) in (BackendSlots ?? new Dictionary<string, int>()).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            hash.Add(backend);
            hash.Add(slots);
        }
        foreach (var (backend, weight) in (RoutingWeights ?? new Dictionary<string, double>()).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            hash.Add(backend);
            hash.Add(weight);
        }
        return hash.ToHashCode();
    }

    private void ValidateBackends()
    {
        foreach (var (backend, slots) in BackendSlots ?? new Dictionary<string, int>())
        {
            if (string.IsNullOrEmpty(backend) || slots < 1)
            {
                throw new ArgumentException($"slots.{backend} must name a backend and be at least 1, not {slots}.", nameof(BackendSlots));
            }
        }
        foreach (var (backend, weight) in RoutingWeights ?? new Dictionary<string, double>())
        {
            if (string.IsNullOrEmpty(backend) || !(weight >= 0 && double.IsFinite(weight)))
            {
                throw new ArgumentException($"weight.{backend} must name a backend and be a finite weight of 0 or more, not {weight}.", nameof(RoutingWeights));
            }
        }
    }

    private string? GetBackendParameter(string parameter)
    {
        if (parameter.StartsWith(SlotsPrefix, StringComparison.Ordinal) && parameter.Length > SlotsPrefix.Length)
        {
            return BackendSlots?.TryGetValue(parameter[SlotsPrefix.Length..], out int slots) == true ? slots.ToString(CultureInfo.InvariantCulture) : "";
        }
        if (parameter.StartsWith(WeightPrefix, StringComparison.Ordinal) && parameter.Length > WeightPrefix.Length)
        {
            return RoutingWeights?.TryGetValue(parameter[WeightPrefix.Length..], out double weight) == true ? weight.ToString("R", CultureInfo.InvariantCulture) : "";
        }
        return null;
    }

    // "" removes the backend's entry (its declared slots; no routing weight), and an emptied map becomes null.
    private LlmQueueSettings? WithBackendParameter(string parameter, string value)
    {
        if (parameter.StartsWith(SlotsPrefix, StringComparison.Ordinal) && parameter.Length > SlotsPrefix.Length)
        {
            var map = new Dictionary<string, int>(BackendSlots ?? new Dictionary<string, int>(), StringComparer.Ordinal);
            string backend = parameter[SlotsPrefix.Length..];
            if (value.Length == 0)
            {
                map.Remove(backend);
            }
            else
            {
                map[backend] = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int slots)
                    ? slots : throw new ArgumentException($"{parameter} takes a whole number of slots, not '{value}'.", nameof(value));
            }
            return this with { BackendSlots = map.Count == 0 ? null : map };
        }
        if (parameter.StartsWith(WeightPrefix, StringComparison.Ordinal) && parameter.Length > WeightPrefix.Length)
        {
            var map = new Dictionary<string, double>(RoutingWeights ?? new Dictionary<string, double>(), StringComparer.Ordinal);
            string backend = parameter[WeightPrefix.Length..];
            if (value.Length == 0)
            {
                map.Remove(backend);
            }
            else
            {
                map[backend] = Number(parameter, value);
            }
            return this with { RoutingWeights = map.Count == 0 ? null : map };
        }
        return null;
    }

    private string BackendsText()
    {
        string text = "";
        if (BackendSlots is { Count: > 0 } slots)
        {
            text += " slots=" + string.Join(",", slots.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}:{p.Value}")));
        }
        if (RoutingWeights is { Count: > 0 } weights)
        {
            text += " weights=" + string.Join(",", weights.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}:{p.Value}")));
        }
        return text;
    }

    private static bool SameEntries<TValue>(IReadOnlyDictionary<string, TValue>? a, IReadOnlyDictionary<string, TValue>? b)
    {
        int countA = a?.Count ?? 0, countB = b?.Count ?? 0;
        if (countA != countB)
        {
            return false;
        }
        if (countA == 0)
        {
            return true;
        }
        foreach (var (key, value) in a!)
        {
            if (!b!.TryGetValue(key, out var other) || !EqualityComparer<TValue>.Default.Equals(value, other))
            {
                return false;
            }
        }
        return true;
    }
}
