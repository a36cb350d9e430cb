return args is ["paper", .. var rest]
    ? AgentOS.Bench.Paper.PaperCommand.Execute(rest)
    : AgentOS.Bench.Harness.BenchRunner.Execute(args);
