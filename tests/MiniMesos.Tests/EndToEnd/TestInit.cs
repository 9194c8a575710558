namespace MiniMesos.Tests.EndToEnd;

/// <summary>How the tests run this build: the minimesos.dll next to them, and as task init `dotnet minimesos.dll`.</summary>
internal static class TestInit
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "minimesos.dll");

    /// <summary>The init command of an isolated agent in the tests (LaunchOptions.InitCommand).</summary>
    public static IReadOnlyList<string> Command => ["dotnet", Dll];
}
