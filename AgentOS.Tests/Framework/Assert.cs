using System.Collections;
using System.Globalization;

namespace AgentOS.Tests.Framework;

/// <summary>Assertions whose failures say what differed and where (the runner adds file:line from the stack).</summary>
public static class Assert
{
    public static void True(bool condition, string? message = null)
    {
        if (!condition)
        {
            throw new AssertException(message ?? "expected true", "true", "false");
        }
    }

    public static void False(bool condition, string? message = null)
    {
        if (condition)
        {
            throw new AssertException(message ?? "expected false", "false", "true");
        }
    }

    public static void Null(object? value, string? message = null)
    {
        if (value is not null)
        {
            throw new AssertException(message ?? "expected null", "null", Show(value));
        }
    }

    public static T NotNull<T>(T? value, string? message = null) where T : class =>
        value ?? throw new AssertException(message ?? "expected a value, got null", "not null", "null");

    public static T NotNull<T>(T? value, string? message = null) where T : struct =>
        value ?? throw new AssertException(message ?? "expected a value, got null", "not null", "null");

    public static void Equal<T>(T expected, T actual, string? message = null)
    {
        if (expected is string e && actual is string a)
        {
            EqualStrings(e, a, message);
            return;
        }
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            throw new AssertException(message ?? "values differ", Show(expected), Show(actual));
        }
    }

    public static void NotEqual<T>(T notExpected, T actual, string? message = null)
    {
        if (EqualityComparer<T>.Default.Equals(notExpected, actual))
        {
            throw new AssertException(message ?? "values are equal but should differ", $"not {Show(notExpected)}", Show(actual));
        }
    }

    /// <summary>|expected - actual| ≤ tolerance.</summary>
    public static void Near(double expected, double actual, double tolerance, string? message = null)
    {
        if (!(Math.Abs(expected - actual) <= tolerance))
        {
            throw new AssertException(message ?? $"values differ by more than {tolerance.ToString(CultureInfo.InvariantCulture)}",
                expected.ToString("R", CultureInfo.InvariantCulture), actual.ToString("R", CultureInfo.InvariantCulture));
        }
    }

    public static void InRange<T>(T actual, T low, T high, string? message = null) where T : IComparable<T>
    {
        if (actual.CompareTo(low) < 0 || actual.CompareTo(high) > 0)
        {
            throw new AssertException(message ?? "value out of range", $"in [{Show(low)}, {Show(high)}]", Show(actual));
        }
    }

    public static void SequenceEqual<T>(IEnumerable<T> expected, IEnumerable<T> actual, string? message = null)
    {
        var e = expected.ToList();
        var a = actual.ToList();
        int n = Math.Min(e.Count, a.Count);
        for (int i = 0; i < n; i++)
        {
            if (!EqualityComparer<T>.Default.Equals(e[i], a[i]))
            {
                throw new AssertException(
                    (message is null ? "" : message + ": ") + $"sequences differ at index {i} (lengths {e.Count} and {a.Count})",
                    Window(e, i), Window(a, i));
            }
        }
        if (e.Count != a.Count)
        {
            throw new AssertException(
                (message is null ? "" : message + ": ") + $"sequences differ in length ({e.Count} expected, {a.Count} actual); equal up to index {n}",
                Window(e, n), Window(a, n));
        }
    }

    public static void Contains(string expectedSubstring, string? actual, string? message = null)
    {
        if (actual is null || !actual.Contains(expectedSubstring, StringComparison.Ordinal))
        {
            throw new AssertException(message ?? "substring not found", $"contains {Show(expectedSubstring)}", Show(actual));
        }
    }

    public static void Contains<T>(T expected, IEnumerable<T> collection, string? message = null)
    {
        if (!collection.Contains(expected))
        {
            throw new AssertException(message ?? "item not found in collection", $"contains {Show(expected)}", Show(collection));
        }
    }

    public static void DoesNotContain(string unexpectedSubstring, string? actual, string? message = null)
    {
        if (actual is not null && actual.Contains(unexpectedSubstring, StringComparison.Ordinal))
        {
            throw new AssertException(message ?? "substring found", $"does not contain {Show(unexpectedSubstring)}", Show(actual));
        }
    }

    public static void DoesNotContain<T>(T unexpected, IEnumerable<T> collection, string? message = null)
    {
        if (collection.Contains(unexpected))
        {
            throw new AssertException(message ?? "collection contains an item it should not", $"no {Show(unexpected)}", Show(collection));
        }
    }

    /// <summary>Asserts the action throws exactly <typeparamref name="T"/> (or a subclass) and returns it.</summary>
    public static T Throws<T>(Action action, string? message = null) where T : Exception
    {
        try
        {
            action();
        }
        catch (T ex)
        {
            return ex;
        }
        catch (Exception ex) when (ex is not AssertException)
        {
            throw new AssertException(message ?? "wrong exception type", typeof(T).Name, $"{ex.GetType().Name}: {ex.Message}");
        }
        throw new AssertException(message ?? "no exception was thrown", typeof(T).Name, "no exception");
    }

    /// <summary>Asserts the asynchronous action throws <typeparamref name="T"/> (or a subclass) and returns it.</summary>
    public static async Task<T> ThrowsAsync<T>(Func<Task> action, string? message = null) where T : Exception
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (T ex)
        {
            return ex;
        }
        catch (Exception ex) when (ex is not AssertException)
        {
            throw new AssertException(message ?? "wrong exception type", typeof(T).Name, $"{ex.GetType().Name}: {ex.Message}");
        }
        throw new AssertException(message ?? "no exception was thrown", typeof(T).Name, "no exception");
    }

    public static void Fail(string message) => throw new AssertException(message);

    private static void EqualStrings(string expected, string actual, string? message)
    {
        if (string.Equals(expected, actual, StringComparison.Ordinal))
        {
            return;
        }
        int i = 0;
        int n = Math.Min(expected.Length, actual.Length);
        while (i < n && expected[i] == actual[i])
        {
            i++;
        }
        int line = 1 + expected.AsSpan(0, i).Count('\n');
        throw new AssertException(
            (message is null ? "" : message + ": ") +
            $"strings differ at index {i} (line {line}; lengths {expected.Length} and {actual.Length})",
            Snippet(expected, i), Snippet(actual, i));
    }

    private static string Snippet(string s, int at)
    {
        int start = Math.Max(0, at - 20);
        int end = Math.Min(s.Length, at + 30);
        string caret = (start > 0 ? "…" : "") + Escape(s[start..at]) + "⟨" + Escape(s[at..end]) + "⟩" + (end < s.Length ? "…" : "");
        return caret;
    }

    private static string Escape(string s) => s.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);

    private static string Window<T>(List<T> items, int at)
    {
        int start = Math.Max(0, at - 3);
        int end = Math.Min(items.Count, at + 4);
        var shown = new List<string>();
        for (int i = start; i < end; i++)
        {
            shown.Add(i == at ? $"⟨{Show(items[i])}⟩" : Show(items[i]));
        }
        if (at >= items.Count)
        {
            shown.Add("⟨end⟩");
        }
        return (start > 0 ? "[… " : "[") + string.Join(", ", shown) + (end < items.Count ? " …]" : "]");
    }

    internal static string Show(object? value) => value switch
    {
        null => "null",
        string s => "\"" + Escape(s) + "\"",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Take(20).Select(Show)) + (e.Cast<object?>().Skip(20).Any() ? ", …]" : "]"),
        _ => value.ToString() ?? value.GetType().Name,
    };
}
