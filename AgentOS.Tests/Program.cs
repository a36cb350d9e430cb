return AgentOS.Tests.Framework.TestRunner.Execute(args);
