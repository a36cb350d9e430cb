using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using AgentOS.Kernel;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tests.Kernel;

namespace AgentOS.Tests.Diagnostics;

/// <summary>What an OpenTelemetry collector would see, read with the framework's own listeners.</summary>
public sealed class SyscallTelemetryTests
{
    [Test]
    public async Task EachSyscallIsASpanAndCountedWithItsWaitAndServiceTime()
    {
        using var temp = new TempDirectory("agentos-telemetry");
        var spans = new ConcurrentQueue<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "AgentOS.Kernel",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(activities);
        var measurements = new ConcurrentQueue<(string Name, double Value, string Tags)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "AgentOS.Kernel")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tags(tags))));
        meters.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tags(tags))));
        meters.SetMeasurementEventCallback<int>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tags(tags))));
        meters.Start();

        await using (var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = temp.Path }))
        {
            kernel.RegisterIdentity("alice");
            var answer = await kernel.Port.SubmitAsync(new SyscallRequest { AgentId = "alice", Llm = TestQueries.Hello });
            await Assert.ThrowsAsync<InvalidRequestException>(async () => await kernel.Port.SubmitAsync(new SyscallRequest
            {
                AgentId = "alice",
                Memory = new MemoryQuery { Operation = MemoryOperation.Get, Id = "no-such-item" },
            }));
            meters.RecordObservableInstruments();

            var span = spans.Single(s => s.DisplayName == "syscall llm");
            Assert.Equal("alice", span.GetTagItem("agentos.agent.id"));
            Assert.Equal(answer.SyscallId, span.GetTagItem("agentos.syscall.id"));
            Assert.Contains("dispatched", span.Events.Select(e => e.Name));
            Assert.Equal(ActivityStatusCode.Error, spans.Single(s => s.DisplayName == "syscall memory").Status);
        }
        Assert.Contains(("agentos.syscalls.completed", 1.0, "kind=llm"), measurements);
        Assert.Contains(("agentos.syscalls.failed", 1.0, "kind=memory,error=invalid_request"), measurements);
        Assert.True(measurements.Any(m => m.Name == "agentos.syscall.wait_time" && m.Tags == "kind=llm" && m.Value >= 0));
        Assert.True(measurements.Any(m => m.Name == "agentos.syscall.service_time" && m.Tags == "kind=llm" && m.Value >= 0));
        Assert.Contains(("agentos.queue.depth", 0.0, "queue=llm"), measurements);
    }

    private static string Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var parts = new List<string>();
        foreach (var tag in tags)
        {
            parts.Add($"{tag.Key}={tag.Value}");
        }
        return string.Join(",", parts);
    }
}
