using MiniMesos.Core.Routing;
using Xunit;

namespace MiniMesos.Tests.Routing;

public sealed class EndpointPickerTests
{
    private static readonly ServiceEndpoint A = new("a", "h", 1), B = new("b", "h", 2), C = new("c", "h", 3);

    [Fact]
    public void RoundRobinTakesEachInTurnAndSkipsTheTried()
    {
        var picker = new EndpointPicker(BalanceMode.RoundRobin);
        var picks = Enumerable.Range(0, 6).Select(_ => picker.Pick([A, B, C], [], 0)!.Value).ToList();
        Assert.Equal([A, B, C, A, B, C], picks);
        Assert.Equal(C, picker.Pick([A, B, C], [A, B], 0));
        Assert.Null(picker.Pick([A, B], [A, B], 0));
        Assert.Null(picker.Pick([], [], 0));
    }

    [Fact]
    public void LeastConnectionsPrefersTheLeastBusy()
    {
        var picker = new EndpointPicker(BalanceMode.LeastConnections);
        picker.Opened(A);
        picker.Opened(A);
        picker.Opened(B);
        Assert.Equal(C, picker.Pick([A, B, C], [], 0));
        picker.Opened(C);
        picker.Opened(C);
        Assert.Equal(B, picker.Pick([A, B, C], [], 0));
        picker.Closed(A);
        picker.Closed(A);
        Assert.Equal(A, picker.Pick([A, B, C], [], 0));
    }

    [Fact]
    public void AFailedInstanceIsPassedOverForAWhileUnlessNoneIsLeft()
    {
        var picker = new EndpointPicker(BalanceMode.RoundRobin);
        picker.Failed(A, 1000);
        for (var i = 0; i < 4; i++) Assert.NotEqual(A, picker.Pick([A, B], [], 1500));
        Assert.Equal(A, picker.Pick([A], [], 1500)); // the only one: tried anyway
        Assert.Contains(A, Enumerable.Range(0, 2).Select(_ => picker.Pick([A, B], [], 1000 + EndpointPicker.FailurePenaltyMs)!.Value));
    }
}
