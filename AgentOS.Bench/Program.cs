// `report` writes the comparison report (AgentOS.Bench/Report); anything else runs benchmarks.
return args is ["report", .. var rest] ? AgentOS.Bench.Report.ReportCommand.Run(rest) : AgentOS.Bench.Harness.BenchRunner.Execute(args);
