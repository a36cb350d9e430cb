using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Docs;

/// <summary>Each tutorial in docs/tutorials, followed from an empty folder against the packed DLL (see <see cref="Tutorial"/>).</summary>
public sealed class TutorialTests
{
    [Test(TimeoutSeconds = 480)]
    public Task Your_first_agent() => Tutorial.Read("first-agent.md").RunAsync();

    [Test(TimeoutSeconds = 480)]
    public Task Moving_an_AIOS_agent_over() => Tutorial.Read("from-aios.md").RunAsync();

    [Test]
    public void Every_tutorial_has_a_test()
    {
        var tested = typeof(TutorialTests).GetMethods().SelectMany(m => m.GetCustomAttributes(typeof(TestAttribute), false).Length > 0 ? [m.Name] : Array.Empty<string>()).ToList();
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "docs", "tutorials"), "*.md").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.SequenceEqual(["first-agent.md", "from-aios.md"], files, "a tutorial was added or removed: give it a test here (and update this list)");
        Assert.True(tested.Count == files.Count + 1, "one test per tutorial");
    }
}
