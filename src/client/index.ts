/** Client entry of the callback_bridge resource. */
exports('GetBridgeVersion', () => '0.1.0');
