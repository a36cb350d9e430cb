using System.Text.Json;
using AgentOS.Access;
using AgentOS.Hosting.Http;
using AgentOS.Kernel;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Kernel;

/// <summary>The audit log's size in the kernel's status: in-process, at /v1/status and from the status command.</summary>
public sealed class AuditStatusTests
{
    [Test(TimeoutSeconds = 60)]
    public async Task StatusShowsTheAuditLogsSizeOnDisk()
    {
        using var temp = new TempDirectory("agentos-audit-status");
        await using var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = temp.Path, AuditLog = new AuditLogOptions { MaxFileBytes = 2048 } });
        for (int i = 0; i < 30; i++)
        {
            await kernel.Audit.RecordDurableAsync(new AuditRecord(DateTimeOffset.UnixEpoch, "alice", ResourceKind.Tool, AccessOperation.Call, "shell", AuditDecision.Denied, DenialReason.NotGranted, $"denied {i}"));
        }
        await kernel.Audit.FlushAsync();
        await kernel.Audit.ArchivingIdle;
        var audit = Assert.NotNull(kernel.Status.Audit);
        Assert.Equal(kernel.AuditLogPath, audit.Path);
        Assert.Equal(new FileInfo(kernel.AuditLogPath).Length, audit.ActiveBytes);
        Assert.True(audit.Archives >= 1 && audit.Rotations == audit.Archives, $"{audit.Archives} archives, {audit.Rotations} rotations");
        long archived = Directory.GetFiles(temp.Path, "audit.jsonl.*.gz").Sum(f => new FileInfo(f).Length);
        Assert.Equal(archived, audit.ArchivedBytes);

        var server = KernelHttpServer.Start(kernel, new HttpServerOptions { BearerToken = "audit-admin" });
        try
        {
            using var http = new HttpClient { BaseAddress = server.Url };
            http.DefaultRequestHeaders.Authorization = new("Bearer", "audit-admin");
            using var status = JsonDocument.Parse(await http.GetStringAsync("v1/status"));
            var json = status.RootElement.GetProperty("audit");
            Assert.Equal(audit.ActiveBytes, json.GetProperty("active_bytes").GetInt64());
            Assert.Equal(audit.ArchivedBytes, json.GetProperty("archived_bytes").GetInt64());
            Assert.Equal(audit.TotalBytes, json.GetProperty("total_bytes").GetInt64());

            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int code = await Task.Run(() => AgentOS.Hosting.CommandLine.Run(["status", "--url", server.Url.ToString(), "--token", "audit-admin"], stdout, stderr));
            Assert.Equal(0, code, stderr.ToString());
            Assert.Contains($"audit log: {audit.TotalBytes} B on disk ({kernel.AuditLogPath}: active {audit.ActiveBytes} B; {audit.Archives} archives {audit.ArchivedBytes} B; 0 segments awaiting archive 0 B; {audit.Rotations} rotations)", stdout.ToString());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
