using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace AgentOS.Bench.Report.Peers;

/// <summary>
/// A real <c>dotnet AgentOS.Core.dll serve</c> child, configured with one OpenAI-compatible backend (the local LLM
/// server) with <see cref="LocalLlmServer.Capacity"/> slots and the kernel's default LLM policy, and one API key per
/// agent (<c>key-N</c> acts as <c>agent-N</c>). Its URL is read from its first stderr line; it is killed (by its process
/// id) and its data folder deleted on dispose.
/// </summary>
internal sealed class ServeHost : IDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _data;

    private ServeHost(Process process, DirectoryInfo data, string url) => (_process, _data, BaseUrl) = (process, data, url.TrimEnd('/') + "/v1");

    /// <summary>The OpenAI base URL of serve's endpoint, with its <c>/v1</c>.</summary>
    public string BaseUrl { get; }

    public static ServeHost Start(string coreDll, string upstreamBaseUrl, int agents)
    {
        var data = Directory.CreateTempSubdirectory("agentos-report-serve-");
        string config = Path.Combine(data.FullName, "config.json");
        using (var stream = File.Create(config))
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("data_directory", Path.Combine(data.FullName, "data"));
            json.WriteStartArray("llm_backends");
            json.WriteStartObject();
            json.WriteString("type", "openai");
            json.WriteString("name", "upstream");
            json.WriteString("base_url", upstreamBaseUrl);
            json.WriteStartArray("models");
            json.WriteStringValue(LocalLlmServer.Model);
            json.WriteEndArray();
            json.WriteNumber("slots", LocalLlmServer.Capacity);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { coreDll, "serve", "--port", "0", "--config", config, "--idle-trim", "0" })
        {
            info.ArgumentList.Add(arg);
        }
        for (int i = 0; i < agents; i++)
        {
            info.ArgumentList.Add("--api-key");
            info.ArgumentList.Add($"key-{i}=agent-{i}");
        }
        var process = Process.Start(info)!;
        var log = new StringBuilder();
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException($"serve exited before listening: {log}"));
                return;
            }
            lock (log)
            {
                log.AppendLine(e.Data);
            }
            if (e.Data.StartsWith("listening on ", StringComparison.Ordinal))
            {
                listening.TrySetResult(e.Data["listening on ".Length..].Trim());
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            if (!listening.Task.Wait(TimeSpan.FromSeconds(90)))
            {
                throw new TimeoutException($"serve did not print its URL within 90 s: {log}");
            }
            return new ServeHost(process, data, listening.Task.Result);
        }
        catch
        {
            Stop(process);
            data.Delete(recursive: true);
            throw;
        }
    }

    public void Dispose()
    {
        Stop(_process);
        try
        {
            _data.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A file still held by the dying process: the temp folder is left behind, nothing else.
        }
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        process.Dispose();
    }
}
