namespace MiniMesos.Tests.Wire;

internal static class TestContext
{
    /// <summary>A token that ends a hung test instead of hanging the run.</summary>
    public static CancellationToken Timeout(int seconds) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
