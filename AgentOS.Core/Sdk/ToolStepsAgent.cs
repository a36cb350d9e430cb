using System.Text.Json;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Sdk;

/// <summary>
/// An agent that calls tools one after another, as listed: a pipeline a user declares in the kernel's config
/// (<c>agents</c>, kind <c>tool_steps</c>) without writing code. In each step's arguments a string that is exactly
/// <c>{input}</c> becomes the run's input and <c>{previous}</c> the previous step's output. A step whose tool answers
/// an error faults the run (a durable run then restarts from its journal). Its answer is the steps' outputs, one a
/// line. Deterministic given its steps' results, so it can run durably.
/// </summary>
public sealed class ToolStepsAgent(IReadOnlyList<ToolStep> steps) : Agent
{
    /// <inheritdoc/>
    public override async Task<string> RunAsync(AgentContext context, string input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var outputs = new List<string>(steps.Count);
        string previous = "";
        for (int i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var result = await context.Action.CallAsync(new ToolCall(step.Tool, Fill(step.Arguments, input, previous)), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (result.IsError)
            {
                throw new InvalidOperationException($"Step {i + 1} ({step.Tool}) failed: {result.Output}");
            }
            previous = result.Output;
            outputs.Add(result.Output);
        }
        return string.Join('\n', outputs);
    }

    // The arguments with {input} and {previous} filled in.
    private static JsonElement Fill(JsonElement arguments, string input, string previous)
    {
        if (arguments.ValueKind != JsonValueKind.Object)
        {
            return JsonDocument.Parse("{}").RootElement.Clone();
        }
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, arguments, input, previous);
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void Write(Utf8JsonWriter writer, JsonElement value, string input, string previous)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value, input, previous);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    Write(writer, item, input, previous);
                }
                writer.WriteEndArray();
                break;
            case JsonValueKind.String when value.ValueEquals("{input}"):
                writer.WriteStringValue(input);
                break;
            case JsonValueKind.String when value.ValueEquals("{previous}"):
                writer.WriteStringValue(previous);
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }
}
