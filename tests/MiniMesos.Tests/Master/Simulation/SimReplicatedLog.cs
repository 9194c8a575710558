using MiniMesos.Net.Master;
using MiniMesos.Net.Raft;

namespace MiniMesos.Tests.Master.Simulation;

/// <summary>
/// A master's replicated log in the simulation: a proposal runs the simulated Raft cluster (network, ticks, other
/// masters applying) until the entry commits, leadership is lost, or a bound passes; so every MasterService call
/// returns a completed task and nothing it does runs concurrently with anything else.
/// </summary>
internal sealed class SimReplicatedLog(MasterSimulation simulation, SimMaster master) : IReplicatedLog
{
    public bool IsLeader => master.IsLeader;

    public Task ProposeAsync(byte[] command, CancellationToken cancellationToken) => simulation.Propose(master, command);

    public Task ReadBarrierAsync(CancellationToken cancellationToken) => simulation.ReadBarrier(master);
}
