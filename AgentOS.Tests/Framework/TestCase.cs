using System.Reflection;

namespace AgentOS.Tests.Framework;

/// <summary>One discovered test: a class (the concrete one, for inherited contract tests) and a method.</summary>
internal sealed record TestCase(Type Type, MethodInfo Method, TestAttribute Attribute)
{
    /// <summary>The reported name: the concrete class (relative to AgentOS.Tests) and the method.</summary>
    public string Name { get; } = ShortName(Type) + "." + Method.Name;

    public bool IsStress => Method.IsDefined(typeof(StressAttribute), inherit: true);

    public TimeSpan Timeout => TimeSpan.FromSeconds(Attribute.TimeoutSeconds);

    /// <summary>Finds every test method in the assembly: public, on concrete classes, declared or inherited.</summary>
    public static List<TestCase> Discover(Assembly assembly, bool selfTestFixtures)
    {
        var tests = new List<TestCase>();
        foreach (var type in assembly.GetTypes())
        {
            if (!type.IsClass || type.IsAbstract && !type.IsSealed || type.ContainsGenericParameters)
            {
                continue;
            }
            if (type.IsDefined(typeof(SelfTestFixtureAttribute), inherit: false) != selfTestFixtures)
            {
                continue;
            }
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.FlattenHierarchy))
            {
                if (method.GetCustomAttribute<TestAttribute>(inherit: true) is { } attribute)
                {
                    tests.Add(new TestCase(type, method, attribute));
                }
            }
        }
        tests.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return tests;
    }

    private static string ShortName(Type type)
    {
        var name = (type.FullName ?? type.Name).Replace('+', '.');
        const string prefix = "AgentOS.Tests.";
        return name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name;
    }
}

/// <summary>
/// Marks a class of deliberately broken tests that the runner's own self-test runs in a child process
/// (<c>--self-test-fixtures</c>); a normal run never discovers them.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class SelfTestFixtureAttribute : Attribute;
