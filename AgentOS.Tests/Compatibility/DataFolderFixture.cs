using System.Text.Json;
using AgentOS.Access;
using AgentOS.Kernel;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Compatibility;

/// <summary>A writable copy of a committed data folder (AgentOS.Tests/Fixtures/data-*) and its manifest.</summary>
internal sealed class DataFolderFixture : IDisposable
{
    private readonly TempDirectory _copy = new("agentos-compat");

    public DataFolderFixture(string name = "data-2c35f17")
    {
        string source = Path.Combine(RepoPaths.Root, "AgentOS.Tests", "Fixtures", name);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(_copy.Path, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        Manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(_copy.Path, "manifest.json"))).RootElement.Clone();
    }

    public JsonElement Manifest { get; }

    public string Root => _copy.Path;

    public string Data => Path.Combine(_copy.Path, "data");

    public string Storage => Path.Combine(Data, "storage");

    public string Combine(params string[] parts) => _copy.Combine(parts);

    /// <summary>A kernel on the copy, with the fixture's config and policy files, as <c>serve --config --policy</c> does.</summary>
    public AgentKernel StartKernel() =>
        AgentKernel.Start(KernelConfig.Load(Combine("config.json")).ToOptions() with
        {
            DataDirectory = Data,
            Access = AccessPolicy.Load(Combine("policy.json")),
            Approver = new ManualApprover(),
        });

    public void Dispose() => _copy.Dispose();
}
