using System.Text.Json;

namespace AgentOS.Events;

/// <summary>An event type registered in <see cref="EventTypes"/>: the name it carries in logs and spill files, and the
/// CLR type it stands for.</summary>
public abstract class EventType
{
    private protected EventType(string name, Type clrType)
    {
        Name = name;
        ClrType = clrType;
        EncodedName = JsonEncodedText.Encode(name);
    }

    /// <summary>The registered name: what an event log's <c>type</c> field holds.</summary>
    public string Name { get; }

    /// <summary>The event's CLR type.</summary>
    public Type ClrType { get; }

    internal JsonEncodedText EncodedName { get; }

    /// <summary>Deserializes <paramref name="json"/> and drops the result: the validation pass of a replay.</summary>
    /// <exception cref="JsonException">The JSON does not describe an event of this type.</exception>
    internal abstract void Validate(ReadOnlySpan<byte> json);

    /// <summary>Deserializes <paramref name="json"/> and publishes the event on <paramref name="bus"/>.</summary>
    /// <exception cref="JsonException">The JSON does not describe an event of this type.</exception>
    internal abstract void Publish(EventBus bus, ReadOnlySpan<byte> json);

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({ClrType.Name})";
}
