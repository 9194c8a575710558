namespace MiniMesos.Tests.EndToEnd;

/// <summary>How the tests run this build: the minimesos.dll next to them, and as task init `dotnet minimesos.dll`.</summary>
internal static class TestInit
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "minimesos.dll");

    /// <summary>
    /// MINIMESOS_TEST_INIT=PATH: task init is that published (Native-AOT) minimesos of the same commit instead, so the
    /// isolation and attack tests run init's libc calls as the agent ships them (bound at link time), not as the JIT
    /// resolves them. Null when unset.
    /// </summary>
    public static string? Published =>
        Environment.GetEnvironmentVariable("MINIMESOS_TEST_INIT") is { Length: > 0 } path ? Path.GetFullPath(path) : null;

    /// <summary>The init command of an isolated agent in the tests (LaunchOptions.InitCommand).</summary>
    public static IReadOnlyList<string> Command => Published is { } aot ? [aot] : ["dotnet", Dll];
}
