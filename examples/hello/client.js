// Pings the server every second and prints the round trip in virtual ms.
let sentAt = 0;
onNet('hello:pong', () => console.log(`pong after ${GetGameTimer() - sentAt} ms (bridge ${exports.callback_bridge.GetBridgeVersion()})`));
setInterval(() => {
  sentAt = GetGameTimer();
  emitNet('hello:ping');
}, 1000);
