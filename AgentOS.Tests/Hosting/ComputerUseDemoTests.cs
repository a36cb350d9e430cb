using AgentOS.Hosting;
using AgentOS.Tests.Computer;
using AgentOS.Tests.Computer.Browser;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Hosting;

/// <summary><c>demo --computer-use</c> end to end: every step succeeds, the page's server receives the form, and the
/// files it leaves (the script, the CSV it made, the PDF, the Markdown summary, the screenshot) hold what they should.</summary>
[RequiresBubblewrap]
[RequiresChromium]
[RequiresCommand("socat")]
[RequiresCommand("python3")]
[RequiresCommand("pdftotext")]
public sealed class ComputerUseDemoTests
{
    [Test(TimeoutSeconds = 300)]
    public void TheComputerUseDemoRunsEveryStepAndLeavesItsFiles()
    {
        using var output = new TempDirectory("agentos-demo-out");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = DemoCommand.Run(["--computer-use", "--out", output.Path], stdout, stderr);

        var printed = stdout.ToString();
        Assert.Equal(0, exit, printed + stderr);
        Assert.Contains("[terminal.run]", printed);
        Assert.Contains("[code.run]", printed);
        Assert.Contains("[document.extract]", printed);
        Assert.Contains("[browser.click]", printed);
        Assert.Contains("the page's server received: name=Analyst Agent, format=a4, summary=Orders grew every month of the quarter.", printed);
        Assert.Contains(output.Path, printed);
        Assert.Equal("month,orders,revenue\r\nJan,10,120\r\nFeb,15,180\r\nMar,20,240\r\nApr,25,300\r\n", File.ReadAllText(output.Combine("sales.csv")));
        Assert.Equal("# Quarterly operations report\n\n- Orders grew every month of the quarter.\n- Revenue reached 300 in April.\n- The team recommends printing the report in A4.\n\nRevenue in sales.csv: 840.\n",
            File.ReadAllText(output.Combine("summary.md")));
        Assert.SequenceEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(output.Combine("result.png")).Take(4));
        Assert.True(File.ReadAllBytes(output.Combine("report.pdf")).AsSpan().StartsWith("%PDF-1.4"u8));
    }
}
