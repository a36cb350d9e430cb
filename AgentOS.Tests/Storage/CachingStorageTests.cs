using System.Diagnostics.Metrics;
using System.Text;
using AgentOS.Storage;
using AgentOS.Storage.Files;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Storage;

public sealed class CachingStorageTests : IAsyncDisposable
{
    private readonly TempDirectory _folder = new("agentos-cache");
    private readonly CachingStorage _cache;

    public CachingStorageTests() => _cache = new CachingStorage(FileStore.Open(_folder.Path), 64 * 1024);

    public async ValueTask DisposeAsync()
    {
        await _cache.DisposeAsync();
        _folder.Dispose();
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private async Task<string> ReadText(string key) => Encoding.UTF8.GetString(Assert.NotNull(await _cache.ReadAsync(key)).Data.Span);

    [Test]
    public async Task RepeatedReadsHitAndEveryChangeInvalidates()
    {
        await _cache.WriteAsync("k", Bytes("one"));
        Assert.Equal("one", await ReadText("k"));
        Assert.Equal("one", await ReadText("k"));
        Assert.Equal(1L, _cache.Misses);
        Assert.Equal(1L, _cache.Hits);

        await _cache.WriteAsync("k", Bytes("two"));
        Assert.Equal("two", await ReadText("k"));
        await _cache.RollbackAsync("k", RollbackTarget.ToVersion(1));
        Assert.Equal("one", await ReadText("k"));
        await _cache.CommitAsync(new StorageBatch().Write("k", Bytes("batched")));
        Assert.Equal("batched", await ReadText("k"));
        await _cache.DeleteAsync("k");
        Assert.Null(await _cache.ReadAsync("k"));
        Assert.Equal(5L, _cache.Misses);
        Assert.Equal(1L, _cache.Hits);
    }

    [Test]
    public async Task TheCacheStaysWithinItsByteBudget()
    {
        var value = new byte[4000];
        for (int i = 0; i < 100; i++)
        {
            await _cache.WriteAsync("k" + i, value);
            await _cache.ReadAsync("k" + i);
        }
        Assert.InRange(_cache.CachedBytes, 1L, 64L * 1024);
        // The most recent keys are the ones kept.
        long hits = _cache.Hits;
        await _cache.ReadAsync("k99");
        Assert.Equal(hits + 1, _cache.Hits);
        await _cache.ReadAsync("k0");
        Assert.Equal(hits + 1, _cache.Hits, "the least recently used key was evicted");
    }

    [Test]
    public async Task HitsAndMissesAreCountedOnTheMeter()
    {
        long hits = 0, misses = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CachingStorage.MeterName && instrument.Name.StartsWith("agentos.storage.cache.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name.EndsWith(".hits", StringComparison.Ordinal))
            {
                Interlocked.Add(ref hits, value);
            }
            else if (instrument.Name.EndsWith(".misses", StringComparison.Ordinal))
            {
                Interlocked.Add(ref misses, value);
            }
        });
        listener.Start();
        await _cache.WriteAsync("m", Bytes("x"));
        await _cache.ReadAsync("m");
        await _cache.ReadAsync("m");
        await _cache.ReadAsync("m");
        Assert.True(Interlocked.Read(ref hits) >= 2, $"hits on the meter: {hits}");
        Assert.True(Interlocked.Read(ref misses) >= 1, $"misses on the meter: {misses}");
    }

    [Test]
    public async Task OldVersionsAreReadFromTheBackend()
    {
        await _cache.WriteAsync("k", Bytes("one"));
        await _cache.WriteAsync("k", Bytes("two"));
        Assert.Equal("one", Encoding.UTF8.GetString(Assert.NotNull(await _cache.ReadAsync("k", 1)).Data.Span));
        Assert.Equal(0L, _cache.Hits + _cache.Misses);
    }
}
