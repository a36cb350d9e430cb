using System.Text;
using AgentOS.Kernel;
using AgentOS.Storage.S3;
using AgentOS.Storage.Sqlite;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tests.Storage.S3;
using AgentOS.Tests.Storage.Sqlite;

namespace AgentOS.Tests.Kernel;

/// <summary>The config file's storage object chooses the sqlite and s3 backends; their settings are checked with
/// errors that say what to fix; a kernel runs storage syscalls on them.</summary>
public sealed class StorageBackendConfigTests
{
    [Test]
    [RequiresSqlite]
    public async Task A_kernel_on_the_sqlite_backend_runs_storage_syscalls()
    {
        using var data = new TempDirectory("agentos-sqlite-kernel");
        var config = KernelConfig.Parse("""{ "storage": { "backend": "sqlite", "versions_kept": 3, "cache_bytes": 0 } }""");
        var options = config.ToOptions();
        Assert.Equal("sqlite", options.StorageConfig!.Backend);

        var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = data.Path, StorageConfig = options.StorageConfig });
        try
        {
            kernel.RegisterIdentity("alice");
            for (int i = 1; i <= 4; i++)
            {
                var written = await kernel.Port.SubmitAsync(new SyscallRequest
                {
                    AgentId = "alice",
                    Storage = new StorageQuery { Operation = StorageOperation.Write, Path = "agents/alice/notes", Data = Encoding.UTF8.GetBytes("v" + i) },
                });
                Assert.Equal(i, written.Storage!.Version);
            }
            var versions = await kernel.Port.SubmitAsync(new SyscallRequest
            {
                AgentId = "alice",
                Storage = new StorageQuery { Operation = StorageOperation.Versions, Path = "agents/alice/notes" },
            });
            Assert.SequenceEqual([2, 3, 4], versions.Storage!.Entries.Select(e => e.Version));
        }
        finally
        {
            await kernel.StopAsync();
        }
        Assert.True(File.Exists(Path.Combine(data.Path, "storage", "storage.db")), "the database is in the kernel's data folder");
        await using var reopened = new SqliteStorage(Path.Combine(data.Path, "storage", "storage.db"));
        Assert.Equal("v4", Encoding.UTF8.GetString(Assert.NotNull(await reopened.ReadAsync("agents/alice/notes")).Data.Span));
    }

    [Test]
    [RequiresEnv(S3rver.EndpointVariable)]
    public async Task The_s3_backend_is_built_from_its_settings()
    {
        var prefix = "config-" + Guid.NewGuid().ToString("N")[..8] + "/";
        var config = KernelConfig.Parse($$"""
            { "storage": { "backend": "s3", "cache_bytes": 0, "s3": {
                "endpoint": "{{S3rver.Endpoint.GetLeftPart(UriPartial.Authority)}}", "bucket": "{{S3rver.Bucket}}", "prefix": "{{prefix}}",
                "create_bucket": true, "access_key_id": "S3RVER", "secret_access_key": "S3RVER" } } }
            """);
        await using var store = config.ToOptions().StorageConfig!.CreateBackend("unused", TimeProvider.System);
        Assert.True(store is S3Storage, store.GetType().Name);
        Assert.Equal(1, (await store.WriteAsync("k", "v"u8.ToArray())).Version);
        Assert.Equal("v", Encoding.UTF8.GetString(Assert.NotNull(await store.ReadAsync("k")).Data.Span));
    }

    [Test]
    public void S3_settings_are_checked_with_errors_that_say_what_to_fix()
    {
        var missing = Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("""{ "storage": { "backend": "s3" } }"""));
        Assert.Contains("\"s3\" object", missing.Message);
        var endpoint = Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("""{ "storage": { "backend": "s3", "s3": { "endpoint": "127.0.0.1:9000", "bucket": "b", "access_key_id": "a", "secret_access_key": "s" } } }"""));
        Assert.Contains("s3.endpoint", endpoint.Message);
        var bucket = Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("""{ "storage": { "backend": "s3", "s3": { "endpoint": "http://127.0.0.1:9000", "access_key_id": "a", "secret_access_key": "s" } } }"""));
        Assert.Contains("s3.bucket", bucket.Message);
        var typo = Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("""{ "storage": { "backend": "s3", "s3": { "bukket": "b" } } }"""));
        Assert.Contains("bukket", typo.Message);
        var unknown = Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("""{ "storage": { "backend": "dynamo" } }"""));
        Assert.Contains("file, sqlite, s3", unknown.Message);
    }
}
