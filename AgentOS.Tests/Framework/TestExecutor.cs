using System.Diagnostics;
using System.Reflection;

namespace AgentOS.Tests.Framework;

/// <summary>
/// Runs one test on its own thread and waits for it up to its timeout. A stuck synchronous test cannot be aborted in
/// .NET, so on timeout the thread (a background thread) is abandoned, its output sealed, and the run moves on; the
/// runner ends the process when the run ends so the abandoned thread cannot keep it alive.
/// </summary>
internal static class TestExecutor
{
    public static TestResult Run(TestCase test)
    {
        if (test.Method.GetCustomAttribute<SkipAttribute>() is { } skip)
        {
            return new TestResult(test, Outcome.Skipped, skip.Reason, TimeSpan.Zero, "");
        }
        foreach (var requirement in test.Method.GetCustomAttributes<RequiresAttribute>(true).Concat(test.Type.GetCustomAttributes<RequiresAttribute>(true)))
        {
            if (requirement.Unmet() is { } reason)
            {
                return SkipOrFail(test, new SkipException(reason, SkipKind.Requirement), TimeSpan.Zero, "");
            }
        }

        var output = new TestOutput();
        var finished = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            OutputCapture.Attach(output);
            try
            {
                Invoke(test);
                finished.SetResult(null);
            }
            catch (Exception ex)
            {
                finished.SetResult(ex);
            }
        })
        {
            IsBackground = true,
            Name = "test " + test.Name,
        };

        var stopwatch = Stopwatch.StartNew();
        thread.Start();
        bool completed = finished.Task.Wait(test.Timeout);
        var elapsed = stopwatch.Elapsed;
        var text = output.Seal();

        if (!completed)
        {
            return new TestResult(test, Outcome.Failed,
                $"timed out after {test.Timeout.TotalSeconds:0.#} s (its thread was abandoned; raise [Test(TimeoutSeconds = ...)] if it is just slow)",
                elapsed, text);
        }
        return finished.Task.Result switch
        {
            null => new TestResult(test, Outcome.Passed, null, elapsed, text),
            SkipException s => SkipOrFail(test, s, elapsed, text),
            AssertException a => new TestResult(test, Outcome.Failed, a.Message, elapsed, text)
            {
                Expected = a.Expected,
                Actual = a.Actual,
                Location = Locate(a),
            },
            var ex => new TestResult(test, Outcome.Failed, Describe(ex), elapsed, text) { Location = Locate(ex) },
        };
    }

    private static TestResult SkipOrFail(TestCase test, SkipException skip, TimeSpan elapsed, string output) =>
        skip.Kind == SkipKind.Requirement && TestEnvironment.RequireIntegration
            ? new TestResult(test, Outcome.Failed, $"requirement unmet under AGENTOS_REQUIRE_INTEGRATION=1: {skip.Message}", elapsed, output)
            : new TestResult(test, Outcome.Skipped, skip.Message, elapsed, output);

    private static void Invoke(TestCase test)
    {
        object? instance = test.Method.IsStatic ? null : Activator.CreateInstance(test.Type);
        try
        {
            object? result = test.Method.Invoke(instance, BindingFlags.DoNotWrapExceptions, null, null, null);
            switch (result)
            {
                case Task task:
                    task.GetAwaiter().GetResult();
                    break;
                case ValueTask valueTask:
                    valueTask.GetAwaiter().GetResult();
                    break;
                case not null when result.GetType().IsGenericType && result.GetType().GetGenericTypeDefinition() == typeof(ValueTask<>):
                    ((Task)result.GetType().GetMethod(nameof(ValueTask<int>.AsTask))!.Invoke(result, null)!).GetAwaiter().GetResult();
                    break;
            }
        }
        finally
        {
            switch (instance)
            {
                case IAsyncDisposable asyncDisposable:
                    asyncDisposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    private static string Describe(Exception ex)
    {
        var text = $"{ex.GetType().Name}: {ex.Message}";
        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            text += $" ---> {inner.GetType().Name}: {inner.Message}";
        }
        return text.ReplaceLineEndings(" ");
    }

    // The first frame with a source line that is not inside the assert library: where the test (or the code it
    // called) failed. Release builds still carry portable PDBs, so file:line is available.
    private static string? Locate(Exception ex)
    {
        string? fallback = null;
        foreach (var frame in new StackTrace(ex, fNeedFileInfo: true).GetFrames())
        {
            var file = frame.GetFileName();
            var type = frame.GetMethod()?.DeclaringType;
            if (file is null || type == typeof(Assert) || type?.DeclaringType == typeof(Assert))
            {
                continue;
            }
            var location = $"{Path.GetFileName(file)}:{frame.GetFileLineNumber()}";
            if (ex is AssertException || frame.GetMethod()?.DeclaringType?.Assembly == typeof(TestExecutor).Assembly)
            {
                return location;
            }
            fallback ??= location;
        }
        return fallback;
    }
}
