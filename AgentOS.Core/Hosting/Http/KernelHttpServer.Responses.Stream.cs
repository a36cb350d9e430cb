using System.Text.Json;
using System.Threading.Channels;
using AgentOS.Hosting.OpenAi;
using AgentOS.Hosting.Http.Transport;
using AgentOS.Serialization;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;

namespace AgentOS.Hosting.Http;

// A streamed response, in the Responses API's event types: response.created and response.in_progress; the message
// item opened at the first piece of text, its output_text.delta events as the backend generates, then its done events;
// each planned function call as an item with its arguments (a backend's calls are known once its turn ends); and
// response.completed (or response.incomplete) carrying the whole response. As for chat completions, headers wait for
// the first piece, so a request refused before it started gets its HTTP status; a failure later is response.failed.
public sealed partial class KernelHttpServer
{
    private async Task StreamResponseAsync(ResponsesRequest body, SyscallRequest syscall, HttpServerResponse response)
    {
        using var abandon = new CancellationTokenSource();
        var (pieces, pending) = await StartStreamAsync(syscall, response, abandon.Token).ConfigureAwait(false);
        var events = new ResponseEventWriter(response.OutputStream);
        try
        {
            var current = NewResponse(body, "resp_" + Guid.NewGuid().ToString("N"));
            await events.WriteAsync(new ResponseStreamEvent { Type = "response.created", Response = current }).ConfigureAwait(false);
            await events.WriteAsync(new ResponseStreamEvent { Type = "response.in_progress", Response = current }).ConfigureAwait(false);
            string messageId = MessageItem(current.Id, "").Id;
            bool opened = false;
            await foreach (var piece in pieces.ReadAllAsync().ConfigureAwait(false))
            {
                if (piece.Length == 0)
                {
                    continue;
                }
                if (!opened)
                {
                    await OpenMessageAsync(events, messageId).ConfigureAwait(false);
                    opened = true;
                }
                await events.WriteAsync(new ResponseStreamEvent { Type = "response.output_text.delta", ItemId = messageId, OutputIndex = 0, ContentIndex = 0, Delta = piece, Logprobs = [] }).ConfigureAwait(false);
            }
            try
            {
                var result = await pending.ConfigureAwait(false);
                Finish(current, result.Llm!);
                await WriteItemsAsync(events, current, opened).ConfigureAwait(false);
                await events.WriteAsync(new ResponseStreamEvent { Type = current.Status == "incomplete" ? "response.incomplete" : "response.completed", Response = current }).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SyscallException or OperationCanceledException)
            {
                var error = SyscallError.From(ex);
                current.Status = "failed";
                current.Error = new ResponseError { Code = error.Code, Message = error.Message };
                await events.WriteAsync(new ResponseStreamEvent { Type = "response.failed", Response = current }).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ClientGone(ex))
        {
            await AbandonAsync(abandon, pending).ConfigureAwait(false);
        }
    }

    // Submits a streamed LLM syscall and waits for its first piece or its end before the headers go, so that a syscall
    // refused before it started (no permission, a budget, an unknown backend) throws here and gets its HTTP status.
    private async Task<(ChannelReader<string> Pieces, Task<SyscallResponse> Pending)> StartStreamAsync(SyscallRequest syscall, HttpServerResponse response, CancellationToken abandon)
    {
        var (pieces, pending) = SubmitStreamed(syscall, abandon);
        // The reader completes when the syscall ends, abandoned or not: no token is needed to stop this wait.
        if (!await pieces.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            await pending.ConfigureAwait(false); // throws the refusal
        }
        BeginEventStream(response);
        return (pieces, pending);
    }

    private static async Task OpenMessageAsync(ResponseEventWriter events, string messageId)
    {
        var item = new ResponseItem { Type = "message", Id = messageId, Role = "assistant", Status = "in_progress", Content = [] };
        await events.WriteAsync(new ResponseStreamEvent { Type = "response.output_item.added", OutputIndex = 0, Item = item }).ConfigureAwait(false);
        await events.WriteAsync(new ResponseStreamEvent { Type = "response.content_part.added", ItemId = messageId, OutputIndex = 0, ContentIndex = 0, Part = new ResponseContentPart() }).ConfigureAwait(false);
    }

    // The finished items' closing events (and the opening ones of those not yet announced).
    private static async Task WriteItemsAsync(ResponseEventWriter events, ResponseObject response, bool messageOpened)
    {
        for (int index = 0; index < response.Output.Count; index++)
        {
            var item = response.Output[index];
            if (item.Type == "message")
            {
                var part = item.Content![0];
                if (!messageOpened)
                {
                    await OpenMessageAsync(events, item.Id).ConfigureAwait(false);
                    if (part.Text.Length > 0)
                    {
                        await events.WriteAsync(new ResponseStreamEvent { Type = "response.output_text.delta", ItemId = item.Id, OutputIndex = index, ContentIndex = 0, Delta = part.Text, Logprobs = [] }).ConfigureAwait(false);
                    }
                }
                await events.WriteAsync(new ResponseStreamEvent { Type = "response.output_text.done", ItemId = item.Id, OutputIndex = index, ContentIndex = 0, Text = part.Text, Logprobs = [] }).ConfigureAwait(false);
                await events.WriteAsync(new ResponseStreamEvent { Type = "response.content_part.done", ItemId = item.Id, OutputIndex = index, ContentIndex = 0, Part = part }).ConfigureAwait(false);
            }
            else
            {
                var opening = new ResponseItem { Type = item.Type, Id = item.Id, Status = "in_progress", CallId = item.CallId, Name = item.Name, Arguments = "" };
                await events.WriteAsync(new ResponseStreamEvent { Type = "response.output_item.added", OutputIndex = index, Item = opening }).ConfigureAwait(false);
                await events.WriteAsync(new ResponseStreamEvent { Type = "response.function_call_arguments.delta", ItemId = item.Id, OutputIndex = index, Delta = item.Arguments }).ConfigureAwait(false);
                await events.WriteAsync(new ResponseStreamEvent { Type = "response.function_call_arguments.done", ItemId = item.Id, OutputIndex = index, Arguments = item.Arguments }).ConfigureAwait(false);
            }
            await events.WriteAsync(new ResponseStreamEvent { Type = "response.output_item.done", OutputIndex = index, Item = item }).ConfigureAwait(false);
        }
    }

    // Numbers the events (sequence_number from 0) and writes each as "event: <type>" and its JSON data.
    private sealed class ResponseEventWriter(Stream stream)
    {
        private int _sequence;

        public async Task WriteAsync(ResponseStreamEvent e)
        {
            e.SequenceNumber = _sequence++;
            await WriteSseAsync(stream, e.Type, JsonSerializer.SerializeToUtf8Bytes(e, AgentOSJsonContext.Default.ResponseStreamEvent)).ConfigureAwait(false);
        }
    }
}
