// `report` writes the comparison report (AgentOS.Bench/Report), `paper` builds the paper from it (AgentOS.Bench/Paper),
// `readme` writes the README's headline figures from a run's results.json (AgentOS.Bench/Readme); anything else runs
// benchmarks.
return args switch
{
    ["report", .. var rest] => AgentOS.Bench.Report.ReportCommand.Run(rest),
    ["paper", .. var rest] => AgentOS.Bench.Paper.PaperCommand.Execute(rest),
    ["readme", .. var rest] => AgentOS.Bench.Readme.ReadmeCommand.Run(rest),
    _ => AgentOS.Bench.Harness.BenchRunner.Execute(args),
};
