// A hidden entry for the storage crash test: this assembly, run as a child process, is the writer it kills.
return args is [AgentOS.Tests.Storage.CrashWriter.Command, var folder, var run]
    ? await AgentOS.Tests.Storage.CrashWriter.RunAsync(folder, int.Parse(run, System.Globalization.CultureInfo.InvariantCulture))
    : AgentOS.Tests.Framework.TestRunner.Execute(args);
