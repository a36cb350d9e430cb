using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace AgentOS.Events;

/// <summary>An <see cref="EventType"/> with its source-generated serialization metadata.</summary>
internal sealed class RegisteredEventType<TEvent>(string name, JsonTypeInfo<TEvent> typeInfo) : EventType(name, typeof(TEvent))
{
    public JsonTypeInfo<TEvent> TypeInfo { get; } = typeInfo;

    public TEvent Deserialize(ReadOnlySpan<byte> json)
    {
        TEvent? value = JsonSerializer.Deserialize(json, TypeInfo);
        if (value is null)
        {
            throw new JsonException($"The event is JSON null; a {typeof(TEvent).Name} was expected.");
        }
        return value;
    }

    internal override void Validate(ReadOnlySpan<byte> json) => Deserialize(json);

    internal override void Publish(EventBus bus, ReadOnlySpan<byte> json)
    {
        TEvent value = Deserialize(json);
        bus.Publish(in value);
    }
}
