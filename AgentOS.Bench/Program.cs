// `report` writes the comparison report (AgentOS.Bench/Report), `paper` builds the paper from it (AgentOS.Bench/Paper);
// anything else runs benchmarks.
return args switch
{
    ["report", .. var rest] => AgentOS.Bench.Report.ReportCommand.Run(rest),
    ["paper", .. var rest] => AgentOS.Bench.Paper.PaperCommand.Execute(rest),
    _ => AgentOS.Bench.Harness.BenchRunner.Execute(args),
};
