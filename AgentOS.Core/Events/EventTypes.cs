using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization.Metadata;
using AgentOS.Serialization;

namespace AgentOS.Events;

/// <summary>
/// The registry of named event types: each layer registers its events with a name and their source-generated
/// <see cref="JsonTypeInfo{T}"/>, so spill files and event logs can write them and a log can be read back. A name
/// that a log holds but nobody registered is reported as an <see cref="UnknownEventTypeException"/>.
/// </summary>
/// <remarks>
/// Every registry starts with <see cref="SubscriberFault"/> registered as <see cref="SubscriberFaultName"/>.
/// Thread-safe; registration is meant for start-up, lookups are lock-free.
/// </remarks>
public sealed class EventTypes
{
    /// <summary>The name under which <see cref="SubscriberFault"/> is registered.</summary>
    public const string SubscriberFaultName = "agentos.subscriber_fault";

    private readonly Lock _gate = new();
    private volatile Dictionary<string, EventType> _byName = new(StringComparer.Ordinal);
    private volatile Dictionary<Type, EventType> _byType = [];

    /// <summary>Creates a registry holding only <see cref="SubscriberFault"/>.</summary>
    public EventTypes() => Register(SubscriberFaultName, AgentOSJsonContext.Default.SubscriberFault);

    /// <summary>Every registered type (a snapshot).</summary>
    public IReadOnlyCollection<EventType> All => _byName.Values;

    /// <summary>
    /// Registers <typeparamref name="TEvent"/> under <paramref name="name"/>. Registering the same type under the same
    /// name again does nothing.
    /// </summary>
    /// <param name="name">The name logs carry: non-empty, no surrounding whitespace; a dotted, layer-prefixed name
    /// such as <c>syscalls.transition</c> keeps layers apart.</param>
    /// <param name="typeInfo">The type's source-generated metadata, e.g. <c>MyJsonContext.Default.MyEvent</c>.</param>
    /// <exception cref="ArgumentException">The name is empty or taken by another type, or the type is registered under
    /// another name; nothing changes.</exception>
    public void Register<TEvent>(string name, JsonTypeInfo<TEvent> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length != name.Length)
        {
            throw new ArgumentException(
                $"An event type's name must be non-empty without surrounding whitespace; '{name}' is not. Use a dotted name such as 'syscalls.transition'.",
                nameof(name));
        }
        lock (_gate)
        {
            if (_byType.TryGetValue(typeof(TEvent), out var existing))
            {
                if (existing.Name == name)
                {
                    return;
                }
                throw new ArgumentException(
                    $"{typeof(TEvent).FullName} is already registered as '{existing.Name}'; a type has one name. Register it once, at start-up.",
                    nameof(name));
            }
            if (_byName.TryGetValue(name, out var taken))
            {
                throw new ArgumentException(
                    $"The event type name '{name}' is already taken by {taken.ClrType.FullName}; choose another name for {typeof(TEvent).FullName}.",
                    nameof(name));
            }
            var type = new RegisteredEventType<TEvent>(name, typeInfo);
            _byName = new Dictionary<string, EventType>(_byName, StringComparer.Ordinal) { [name] = type };
            _byType = new Dictionary<Type, EventType>(_byType) { [typeof(TEvent)] = type };
        }
    }

    /// <summary>Finds a type by its registered name.</summary>
    public bool TryGet(string name, [NotNullWhen(true)] out EventType? type) => _byName.TryGetValue(name, out type);

    /// <summary>Finds the registration of <typeparamref name="TEvent"/>.</summary>
    public bool TryGet<TEvent>([NotNullWhen(true)] out EventType? type) => _byType.TryGetValue(typeof(TEvent), out type);

    /// <summary>The registered name of <typeparamref name="TEvent"/>.</summary>
    /// <exception cref="EventTypeNotRegisteredException">It is not registered.</exception>
    public string GetName<TEvent>() => Get<TEvent>("look up its name").Name;

    internal RegisteredEventType<TEvent> Get<TEvent>(string purpose) =>
        _byType.TryGetValue(typeof(TEvent), out var type)
            ? (RegisteredEventType<TEvent>)type
            : throw new EventTypeNotRegisteredException(typeof(TEvent), purpose);
}
