return AgentOS.Bench.Harness.BenchRunner.Execute(args);
